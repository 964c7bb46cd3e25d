/* Member-development statistics: the trend by year (lines) and the pipeline (funnel). The same numbers are
   printed in the tables beside them, so nothing depends on this script. */
(function () {
  "use strict";
  var PALETTE = ["#c8161d", "#5d6470", "#e2686c", "#8e0f14", "#9aa1ab"];

  function trendOption(data) {
    return {
      color: PALETTE,
      tooltip: { trigger: "axis" },
      legend: { bottom: 0 },
      grid: { left: 8, right: 24, top: 16, bottom: 36, containLabel: true },
      xAxis: { type: "category", data: data.years },
      yAxis: { type: "value", minInterval: 1 },
      series: data.series.map(function (s) {
        return { name: s.name, type: "line", data: s.values, symbolSize: 7, label: { show: true } };
      })
    };
  }

  function funnelOption(data) {
    return {
      color: PALETTE,
      tooltip: { trigger: "item", formatter: "{b}: {c}" },
      series: [{
        type: "funnel", sort: "none", left: "10%", width: "80%", gap: 2, minSize: "12%",
        label: { show: true, position: "inside", formatter: "{b} {c}", color: "#fff" },
        data: data.labels.map(function (label, i) { return { name: label, value: data.values[i] }; })
      }]
    };
  }

  function init() {
    var source = document.getElementById("chart-data");
    if (!source || typeof window.echarts === "undefined") return;
    var data = JSON.parse(source.textContent);
    var charts = [];
    document.querySelectorAll("[data-dev-chart]").forEach(function (element) {
      var key = element.dataset.devChart;
      if (!data[key]) return;
      var chart = window.echarts.init(element, null, { renderer: "canvas" });
      chart.setOption(key === "trend" ? trendOption(data[key]) : funnelOption(data[key]));
      charts.push(chart);
    });
    window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
