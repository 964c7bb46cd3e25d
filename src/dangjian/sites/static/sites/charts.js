/* Demonstration-site charts: each [data-sites-chart] element names an entry of the JSON block
   #sites-chart-data — {labels, series: [{name, values}]} drawn as grouped bars, or {labels, values} as a
   histogram. Every chart has its numbers printed as a table beside it, so nothing depends on this script. */
(function () {
  "use strict";

  var PALETTE = ["#9aa1ab", "#e2686c", "#8e0f14", "#c8161d", "#5d6470"];

  function groupedOption(data) {
    return {
      color: PALETTE,
      grid: { left: 8, right: 24, top: 36, bottom: 8, containLabel: true },
      legend: { top: 0, icon: "rect", itemWidth: 12, itemHeight: 8 },
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      xAxis: { type: "value", minInterval: 1, splitLine: { lineStyle: { color: "#eef0f2" } } },
      yAxis: { type: "category", inverse: true, data: data.labels, axisTick: { show: false } },
      series: data.series.map(function (serie) {
        return {
          name: serie.name, type: "bar", data: serie.values, barMaxWidth: 12, barGap: "15%",
          label: { show: true, position: "right", color: "#262a30", fontSize: 10 }
        };
      })
    };
  }

  function histogramOption(data) {
    return {
      color: ["#c8161d"],
      grid: { left: 8, right: 8, top: 16, bottom: 8, containLabel: true },
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      xAxis: {
        type: "category", data: data.labels, axisTick: { alignWithLabel: true },
        axisLabel: { interval: 0, fontSize: 10, rotate: data.labels.length > 5 ? 30 : 0 }
      },
      yAxis: { type: "value", minInterval: 1, splitLine: { lineStyle: { color: "#eef0f2" } } },
      series: [{
        type: "bar", data: data.values, barCategoryGap: "8%",
        label: { show: true, position: "top", color: "#262a30" }
      }]
    };
  }

  function init() {
    var source = document.getElementById("sites-chart-data");
    if (!source || typeof window.echarts === "undefined") return;
    var data = JSON.parse(source.textContent);
    var charts = [];
    document.querySelectorAll("[data-sites-chart]").forEach(function (element) {
      var entry = data[element.dataset.sitesChart];
      if (!entry) return;
      var chart = window.echarts.init(element, null, { renderer: "canvas" });
      chart.setOption(entry.series ? groupedOption(entry) : histogramOption(entry));
      charts.push(chart);
    });
    window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
