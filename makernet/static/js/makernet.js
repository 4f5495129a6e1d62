// MakerNet pages work without this file; it adds the CSRF token to htmx requests and
// asks before destructive buttons (data-confirm).
document.addEventListener("htmx:configRequest", function (event) {
  var meta = document.querySelector('meta[name="csrf-token"]');
  if (meta) { event.detail.headers["X-CSRFToken"] = meta.content; }
});
document.addEventListener("submit", function (event) {
  var button = event.submitter;
  var message = (button && button.dataset.confirm) || event.target.dataset.confirm;
  if (message && !window.confirm(message)) { event.preventDefault(); }
});
// Live regions refresh only while nobody is working inside them: an open form or the
// keyboard focus there would be lost by the swap.
// (A check in the request, not an hx-trigger filter: filters are evaluated as strings, which the
// content security policy forbids.)
window.makernetIdle = function (id) {
  var region = document.getElementById(id);
  if (!region) { return false; }
  return !region.querySelector("details[open]") && !region.contains(document.activeElement);
};
document.addEventListener("htmx:beforeRequest", function (event) {
  var region = event.detail.elt;
  if (region && region.hasAttribute("data-live") && !window.makernetIdle(region.id)) { event.preventDefault(); }
});
