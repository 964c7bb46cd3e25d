/* Overview charts: each [data-chart] element names a series in the JSON block #chart-data.
   The same numbers are printed as a table next to every chart, so nothing depends on this script. */
(function () {
  "use strict";

  var PALETTE = ["#c8161d", "#e2686c", "#8e0f14", "#f0a8aa", "#5d6470", "#9aa1ab", "#343a40", "#cfd3d8"];

  function barOption(series) {
    return {
      color: PALETTE,
      grid: { left: 8, right: 48, top: 16, bottom: 8, containLabel: true },
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      xAxis: { type: "value", minInterval: 1, splitLine: { lineStyle: { color: "#eef0f2" } } },
      yAxis: { type: "category", inverse: true, data: series.labels, axisTick: { show: false } },
      series: [{
        type: "bar", data: series.values, barMaxWidth: 18,
        itemStyle: { color: PALETTE[0], borderRadius: [0, 3, 3, 0] },
        label: { show: true, position: "right", color: "#262a30" }
      }]
    };
  }

  function pieOption(series) {
    var data = series.labels.map(function (label, i) { return { name: label, value: series.values[i] }; })
      .filter(function (item) { return item.value > 0; });
    return {
      color: PALETTE,
      tooltip: { trigger: "item", formatter: "{b}: {c} ({d}%)" },
      legend: { bottom: 0, icon: "circle", itemWidth: 10, itemHeight: 10 },
      series: [{
        type: "pie", radius: ["42%", "68%"], center: ["50%", "44%"], data: data,
        itemStyle: { borderColor: "#fff", borderWidth: 2 },
        label: { formatter: "{b}\n{c}", color: "#262a30" }
      }]
    };
  }

  function init() {
    var source = document.getElementById("chart-data");
    if (!source || typeof window.echarts === "undefined") return;
    var data = JSON.parse(source.textContent);
    var charts = [];
    document.querySelectorAll("[data-chart]").forEach(function (element) {
      var series = data[element.dataset.chart];
      if (!series) return;
      var chart = window.echarts.init(element, null, { renderer: "canvas" });
      chart.setOption(element.dataset.chartType === "pie" ? pieOption(series) : barOption(series));
      charts.push(chart);
    });
    window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
