// The results page's chart of actions per day, drawn by uPlot from the figures the page
// carries as JSON. The same figures are in the table beside it, for readers without
// sight of the chart or without JavaScript.
(function () {
  "use strict";
  var holder = document.getElementById("per-day-chart");
  var source = document.getElementById("per-day-data");
  if (!holder || !source || typeof uPlot === "undefined") return;
  var days = JSON.parse(source.textContent || "[]");
  if (days.length === 0) return;
  var xs = days.map(function (d) { return Date.parse(d.day + "T12:00:00Z") / 1000; });
  var ys = days.map(function (d) { return d.actions; });
  var width = function () { return Math.max(280, holder.clientWidth); };
  var chart = new uPlot(
    {
      width: width(),
      height: 220,
      series: [
        {},
        { label: holder.dataset.label, stroke: "#0b5d52", fill: "rgba(11, 93, 82, 0.15)", width: 2 },
      ],
      axes: [{}, { size: 50 }],
      scales: { x: { time: true } },
    },
    [xs, ys],
    holder
  );
  window.addEventListener("resize", function () { chart.setSize({ width: width(), height: 220 }); });
})();
