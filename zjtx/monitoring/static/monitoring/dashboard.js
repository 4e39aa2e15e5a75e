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
    by_industry: function () {
      var rows = data.by_industry.slice().reverse();
      return {
        title: { text: data.labels.by_industry, textStyle: { fontSize: 14 } },
        tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
        grid: { top: 40, left: 8, right: 32, bottom: 16, containLabel: true },
        xAxis: { type: "value" },
        yAxis: { type: "category", data: rows.map(function (r) { return r.name; }), axisLabel: { width: 180, overflow: "truncate" } },
        series: [{ name: data.labels.revenue, type: "bar", data: rows.map(function (r) { return r.value; }) }]
      };
    },
    warnings: function () {
      var colours = { red: "#c0392b", orange: "#e67e22", yellow: "#f1c40f" };
      return {
        title: { text: data.labels.warnings, textStyle: { fontSize: 14 } },
        tooltip: { trigger: "axis" },
        legend: { top: 24 },
        grid: { top: 64, left: 48, right: 24, bottom: 64 },
        xAxis: { type: "category", data: data.units, axisLabel: { rotate: 30 } },
        yAxis: { type: "value", minInterval: 1 },
        series: data.warnings.map(function (s) {
          return { name: s.name, type: "bar", stack: "level", data: s.data, itemStyle: { color: colours[s.level] } };
        })
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
