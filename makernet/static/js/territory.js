// Draws a territory page's weekly chart (vendored Chart.js) and its map (vendored Leaflet) from the JSON the page
// embeds (#territory-data), over the région's outlines the app serves: no tile server, nothing from the internet.
// The same figures are in the page's tables.
(function () {
  var source = document.getElementById("territory-data");
  if (!source) { return; }
  var data = JSON.parse(source.textContent);
  var locale = document.documentElement.lang || "fr";
  var number = new Intl.NumberFormat(locale);
  var colours = { asked: "#0b4f6c", made: "#c2410c", delivered: "#1e6b34" };
  var day = new Intl.DateTimeFormat(locale, { day: "numeric", month: "short" });

  var canvas = document.getElementById("chart-weeks");
  if (canvas && typeof Chart !== "undefined") {
    Chart.defaults.font.family = "system-ui, sans-serif";
    Chart.defaults.animation = false;
    new Chart(canvas, {
      type: "bar",
      data: { labels: data.weeks.map(function (w) { return day.format(new Date(w.week)); }),
              datasets: ["asked", "made", "delivered"].map(function (k) {
                return { label: data.labels[k], data: data.weeks.map(function (w) { return w[k]; }),
                         backgroundColor: colours[k] };
              }) },
      options: { maintainAspectRatio: false,
                 scales: { y: { beginAtZero: true, ticks: { precision: 0, callback: function (v) { return number.format(v); } } } } }
    });
  }

  var box = document.getElementById("map");
  if (!box || typeof L === "undefined") { return; }
  var map = L.map(box, { preferCanvas: true, zoomSnap: 0.25, scrollWheelZoom: false });
  map.attributionControl.setPrefix(false);
  map.attributionControl.addAttribution(data.labels.attribution);
  var focusDep = data.focus.length <= 3 ? data.focus : (data.communes[0] || {}).departement || "";
  function tip(name, c) {
    return "<strong>" + name + "</strong><br>" + ["asked", "made", "delivered"].map(function (k) {
      return data.labels[k] + " : " + number.format(c[k] || 0);
    }).join("<br>");
  }
  function draw(shown) {
    var most = Math.max.apply(null, data.communes.map(function (c) { return c.asked; }).concat([1]));
    data.flows.forEach(function (f) {
      var to = data.communes.filter(function (c) { return c.code === f.code; })[0];
      if (to) {
        L.polyline([f.from, [to.latitude, to.longitude]],
                   { color: colours.delivered, weight: 1 + Math.log10(1 + f.units), opacity: 0.5 }).addTo(map);
      }
    });
    data.communes.forEach(function (c) {
      if (!c.asked) { return; }
      L.circleMarker([c.latitude, c.longitude], { radius: 3 + 17 * Math.sqrt(c.asked / most), weight: 1,
                                                  color: colours.asked, fillOpacity: 0.35 })
        .bindTooltip(tip(c.name, c)).addTo(map);
    });
    data.places.forEach(function (p) {
      if (p.latitude === null || p.longitude === null) { return; }
      L.circleMarker([p.latitude, p.longitude], { radius: 6, weight: 2, color: "#fff", fillColor: colours.made,
                                                  fillOpacity: 1 })
        .bindTooltip(tip(data.labels.place + " · " + p.name, { made: p.made })).addTo(map);
    });
    map.fitBounds(shown.getBounds(), { padding: [8, 8] });
  }
  fetch(data.geo.departements).then(function (r) { return r.json(); }).then(function (geo) {
    var all = L.geoJSON(geo, { style: function (f) {
      var inside = !focusDep || f.properties.code === focusDep;
      return { color: "#4b5563", weight: inside ? 1.5 : 0.5, fillColor: "#ffffff", fillOpacity: inside ? 0.9 : 0.3 };
    } });
    map.fitBounds(all.getBounds());   // a view first: the canvas draws nothing on a map without one
    all.addTo(map);
    var shown = focusDep ? L.geoJSON({ type: "FeatureCollection", features: geo.features.filter(function (f) {
      return f.properties.code === focusDep; }) }) : all;
    if (!focusDep) { draw(shown); return; }
    fetch(data.geo.communes).then(function (r) { return r.json(); }).then(function (communes) {
      L.geoJSON({ type: "FeatureCollection", features: communes.features.filter(function (f) {
        return f.properties.dep === focusDep; }) },
        { style: function (f) { return { color: "#9ca3af", weight: f.properties.code === data.focus ? 2.5 : 0.4,
                                         fill: false }; } }).addTo(map);
      draw(data.focus.length > 3 ? L.geoJSON({ type: "FeatureCollection", features: communes.features.filter(
        function (f) { return f.properties.code === data.focus; }) }) : shown);
    });
  });
})();
