// Monitoring dashboard: renders the roll-up series handed over in a JSON data block (CSP: no inline script).
(function () {
  "use strict";
  var source = document.getElementById("monitoring-chart-data");
  if (!source || typeof echarts === "undefined") { return; }
  var data = JSON.parse(source.textContent);
  var builders = {
    trend: function () {
      return {
        title: { text: data.labels.trend, textStyle: { fontSize: 14 } },
        tooltip: { trigger: "axis" },
        legend: { top: 24 },
        grid: { top: 64, left: 16, right: 16, bottom: 32, containLabel: true },
        xAxis: { type: "category", data: data.periods },
        yAxis: [0, 1].map(function (axis) {
          var first = data.trend.filter(function (s) { return s.axis === axis; })[0];
          return { type: "value", name: first ? first.unit : "", splitLine: { show: axis === 0 } };
        }),
        series: data.trend.map(function (s) {
          return { name: s.name, type: "line", yAxisIndex: s.axis, data: s.data, connectNulls: false };
        })
      };
    },
    by_unit: function () {
      return {
        title: { text: data.labels.by_unit, textStyle: { fontSize: 14 } },
        tooltip: { trigger: "axis" },
        grid: { top: 48, left: 64, right: 24, bottom: 64 },
        xAxis: { type: "category", data: data.by_unit.map(function (r) { return r.unit; }), axisLabel: { rotate: 30 } },
        yAxis: { type: "value" },
        series: [{ name: data.labels.revenue, type: "bar", data: data.by_unit.map(function (r) { return r.value; }) }]
      };
    },
    rates: function () {
      return {
        title: { text: data.labels.rates, textStyle: { fontSize: 14 } },
        tooltip: { trigger: "axis" },
        grid: { top: 48, left: 48, right: 24, bottom: 64 },
        xAxis: { type: "category", data: data.rates.map(function (r) { return r.unit; }), axisLabel: { rotate: 30 } },
        yAxis: { type: "value", max: 100 },
        series: [{ name: data.labels.rate, type: "bar", data: data.rates.map(function (r) { return r.rate; }) }]
      };
    }
  };
  var charts = [];
  document.querySelectorAll("[data-chart]").forEach(function (el) {
    var build = builders[el.getAttribute("data-chart")];
    if (!build) { return; }
    var chart = echarts.init(el);
    chart.setOption(build());
    charts.push(chart);
  });
  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
}());
