// Dashboard and meeting-room screen charts from the roll-up series in a JSON data block
// (CSP: no inline script). data-theme="dark" on the script tag selects ECharts' dark theme.
(function () {
  "use strict";
  var source = document.getElementById("reports-chart-data");
  if (!source || typeof echarts === "undefined") { return; }
  var data = JSON.parse(source.textContent);
  var me = document.currentScript;
  var theme = me && me.getAttribute("data-theme") === "dark" ? "dark" : null;
  var big = theme === "dark";
  var title = function (text) { return { text: text, textStyle: { fontSize: big ? 22 : 14 } }; };
  var axisFont = { fontSize: big ? 16 : 12 };
  var colours = { red: "#e74c3c", orange: "#e67e22", yellow: "#f1c40f" };
  var builders = {
    annual: function () {
      return {
        title: title(data.labels.annual), tooltip: { trigger: "axis" },
        grid: { top: 56, left: 16, right: 16, bottom: 24, containLabel: true },
        xAxis: { type: "category", data: data.years, axisLabel: axisFont },
        yAxis: { type: "value", axisLabel: axisFont },
        series: [{ name: data.labels.revenue, type: "bar", data: data.annual, itemStyle: { color: "#3498db" } }]
      };
    },
    monthly: function () {
      return {
        title: title(data.labels.monthly), tooltip: { trigger: "axis" }, legend: { top: big ? 34 : 24, textStyle: axisFont },
        grid: { top: 72, left: 16, right: 16, bottom: 24, containLabel: true },
        xAxis: { type: "category", data: data.months, axisLabel: axisFont },
        yAxis: { type: "value", axisLabel: axisFont },
        series: data.monthly.map(function (s) { return { name: s.name, type: "line", smooth: true, data: s.data }; })
      };
    },
    tiers: function () {
      return {
        title: title(data.labels.tiers), tooltip: { trigger: "item" }, legend: { bottom: 0, textStyle: axisFont },
        series: [{ name: data.labels.firms, type: "pie", radius: ["35%", "65%"], data: data.tiers, label: { fontSize: big ? 16 : 12 } }]
      };
    },
    warnings: function () {
      return {
        title: title(data.labels.warnings), tooltip: { trigger: "axis" },
        grid: { top: 56, left: 16, right: 16, bottom: 24, containLabel: true },
        xAxis: { type: "category", data: data.warnings.map(function (w) { return w.name; }), axisLabel: axisFont },
        yAxis: { type: "value", minInterval: 1, axisLabel: axisFont },
        series: [{ type: "bar", data: data.warnings.map(function (w) { return { value: w.value, itemStyle: { color: colours[w.level] } }; }) }]
      };
    },
    by_unit: function () {
      return {
        title: title(data.labels.by_unit), tooltip: { trigger: "axis" },
        grid: { top: 56, left: 16, right: 16, bottom: 16, containLabel: true },
        xAxis: { type: "category", data: data.by_unit.map(function (r) { return r.unit; }), axisLabel: { rotate: 30, fontSize: big ? 14 : 12 } },
        yAxis: { type: "value", axisLabel: axisFont },
        series: [{ name: data.labels.revenue, type: "bar", data: data.by_unit.map(function (r) { return r.revenue; }), itemStyle: { color: "#1abc9c" } }]
      };
    },
    divisions: function () {
      var rows = data.divisions.slice().reverse();
      return {
        title: title(data.labels.divisions), tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
        grid: { top: 48, left: 8, right: 32, bottom: 16, containLabel: true },
        xAxis: { type: "value", axisLabel: axisFont },
        yAxis: { type: "category", data: rows.map(function (r) { return r.name; }), axisLabel: axisFont },
        series: [{ name: data.labels.revenue, type: "bar", data: rows.map(function (r) { return r.value; }), itemStyle: { color: "#9b59b6" } }]
      };
    }
  };
  var charts = [];
  document.querySelectorAll("[data-chart]").forEach(function (el) {
    var build = builders[el.getAttribute("data-chart")];
    if (!build) { return; }
    var chart = echarts.init(el, theme);
    var option = build();
    if (big) { option.backgroundColor = "transparent"; }
    chart.setOption(option);
    charts.push(chart);
  });
  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
}());
