/* The compliance heat map (organization × month). Its numbers are printed in the table below it, so the page
   works without this script. Drawn again after htmx replaces the results. */
(function () {
  "use strict";

  var COLORS = ["#c8161d", "#f0a33a", "#8cc49b", "#1e7b45"]; // below 50 %, 50–80 %, 80–99 %, all met
  var OPEN = "#dfe3e8";
  var charts = [];

  function option(data) {
    var pieces = [{ value: -1, label: data.open, color: OPEN }];
    data.bands.slice().reverse().forEach(function (band, index, all) {
      var next = all[index + 1];
      pieces.push({
        min: band.min, max: next ? next.min - 0.01 : 100, label: band.label, color: COLORS[index]
      });
    });
    return {
      tooltip: {
        formatter: function (p) {
          return data.y[p.value[1]] + "<br>" + data.x[p.value[0]] + "：" + p.data.text + "（" + p.data.word + "）";
        }
      },
      grid: { left: 8, right: 16, top: 8, bottom: 48, containLabel: true },
      xAxis: { type: "category", data: data.x, position: "top", splitArea: { show: true }, axisTick: { show: false } },
      yAxis: {
        type: "category", data: data.y, inverse: true, axisTick: { show: false },
        axisLabel: { width: 180, overflow: "truncate" }
      },
      visualMap: {
        type: "piecewise", pieces: pieces, orient: "horizontal", left: "center", bottom: 0,
        itemWidth: 14, itemHeight: 14, textStyle: { color: "#262a30" }
      },
      series: [{
        type: "heatmap",
        data: data.cells.map(function (c) { return { value: [c[0], c[1], c[2]], text: c[3], word: c[4] }; }),
        label: { show: true, formatter: function (p) { return p.data.text; }, fontSize: 11, color: "#1d2125" },
        itemStyle: { borderColor: "#fff", borderWidth: 2 },
        emphasis: { itemStyle: { borderColor: "#262a30", borderWidth: 1 } }
      }]
    };
  }

  function draw() {
    charts.forEach(function (chart) { chart.dispose(); });
    charts = [];
    if (typeof window.echarts === "undefined") return;
    document.querySelectorAll("[data-heatmap]").forEach(function (element) {
      var source = document.getElementById(element.dataset.heatmap);
      if (!source) return;
      var data = JSON.parse(source.textContent);
      element.style.height = Math.max(160, data.y.length * 28 + 90) + "px";
      var chart = window.echarts.init(element, null, { renderer: "canvas" });
      chart.setOption(option(data));
      charts.push(chart);
    });
  }

  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
  document.addEventListener("htmx:afterSettle", draw);
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", draw);
  else draw();
})();
