// The service dashboard's charts: ECharts (vendored) drawn from the JSON the page embeds with
// json_script (#dashboard-charts). Each chart also has a table on the page; without script the
// table is all there is. No inline handlers: everything is bound here.
(function () {
  "use strict";

  function option(chart) {
    var isLine = chart.kind === "line";
    var twoAxes = chart.key === "csat";
    var series = chart.series.map(function (s) {
      var second = twoAxes && s.key === "responses";
      return {
        name: s.name,
        type: second ? "bar" : chart.kind,
        data: s.data,
        connectNulls: false,
        yAxisIndex: second ? 1 : 0,
      };
    });
    var yAxis = [{ type: "value", max: chart.key === "compliance" || twoAxes ? 100 : null }];
    if (twoAxes) {
      yAxis.push({ type: "value", splitLine: { show: false } });
    }
    return {
      animation: false,
      tooltip: { trigger: "axis" },
      legend: { show: chart.series.length > 1, top: 0, type: "scroll" },
      grid: { left: 8, right: 8, bottom: 8, top: chart.series.length > 1 ? 32 : 12, containLabel: true },
      xAxis: { type: "category", data: chart.categories, boundaryGap: !isLine },
      yAxis: yAxis,
      series: series,
    };
  }

  function draw() {
    var source = document.getElementById("dashboard-charts");
    if (!source || typeof window.echarts === "undefined") {
      return;
    }
    var charts = JSON.parse(source.textContent);
    var drawn = [];
    charts.forEach(function (chart) {
      var el = document.getElementById("chart-" + chart.key);
      if (!el) {
        return;
      }
      var instance = window.echarts.init(el, null, { renderer: "canvas" });
      instance.setOption(option(chart));
      drawn.push(instance);
    });
    window.addEventListener("resize", function () {
      drawn.forEach(function (instance) {
        instance.resize();
      });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
