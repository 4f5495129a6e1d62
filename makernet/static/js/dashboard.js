// Draws the dashboard charts from the JSON the page embeds (#dashboard-data), with the
// vendored Chart.js. The same figures are in the tables under each chart.
(function () {
  var source = document.getElementById("dashboard-data");
  if (!source || typeof Chart === "undefined") { return; }
  var data = JSON.parse(source.textContent);
  var locale = document.documentElement.lang || "fr";
  var number = new Intl.NumberFormat(locale);
  var colours = { asked: "#0b4f6c", made: "#c2410c", delivered: "#1e6b34" };
  var day = new Intl.DateTimeFormat(locale, { day: "numeric", month: "short" });
  Chart.defaults.font.family = "system-ui, sans-serif";
  Chart.defaults.color = "#1a1a1a";
  Chart.defaults.animation = false;

  function dataset(key, rows) {
    return { label: data.labels[key], data: rows.map(function (r) { return r[key]; }),
             borderColor: colours[key], backgroundColor: colours[key], pointRadius: 0, borderWidth: 3 };
  }
  var ticks = { precision: 0, callback: function (v) { return number.format(v); } };   // units: whole numbers
  var over = document.getElementById("chart-over-time");
  if (over) {
    new Chart(over, {
      type: "line",
      data: { labels: data.series.map(function (r) { return day.format(new Date(r.day)); }),
              datasets: ["asked", "made", "delivered"].map(function (k) { return dataset(k, data.series); }) },
      options: { maintainAspectRatio: false, interaction: { mode: "index", intersect: false },
                 scales: { y: { beginAtZero: true, ticks: ticks } } }
    });
  }
  var perDep = document.getElementById("chart-departements");
  if (perDep) {
    new Chart(perDep, {
      type: "bar",
      data: { labels: data.per_departement.map(function (r) { return r.name; }),
              datasets: ["asked", "made", "delivered"].map(function (k) { return dataset(k, data.per_departement); }) },
      options: { maintainAspectRatio: false, scales: { y: { beginAtZero: true, ticks: ticks } } }
    });
  }
})();
