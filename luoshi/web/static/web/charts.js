// Dashboard charts. Each chart is an element with data-chart="<kind>" and
// data-source="<id of a json_script element>"; the labels come from data-label-* attributes
// so that they are translated in the template. The figures are also in tables on the page.
(function () {
  "use strict";
  var palette = { red: "#c0262d", amber: "#c07c00", green: "#1f7a4d", brand: "#9e1b1f", ink: "#3c4450", line: "#e1e4e8" };
  var font = '"Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei", system-ui, sans-serif';

  function readData(id) {
    var node = document.getElementById(id);
    return node ? JSON.parse(node.textContent) : null;
  }

  var builders = {
    completion: function (data, el) {
      var d = data.completion;
      return {
        textStyle: { fontFamily: font },
        color: [palette.brand, palette.ink],
        tooltip: { trigger: "axis", renderMode: "richText" },
        legend: { top: 0, data: [el.dataset.labelWeek, el.dataset.labelTotal] },
        grid: { left: 40, right: 44, top: 36, bottom: 28 },
        xAxis: { type: "category", data: d.weeks.map(function (w) { return w.slice(5); }),
                 axisLine: { lineStyle: { color: palette.line } }, axisLabel: { color: palette.ink } },
        yAxis: [
          { type: "value", minInterval: 1, splitLine: { lineStyle: { color: palette.line } } },
          { type: "value", minInterval: 1, splitLine: { show: false } }
        ],
        series: [
          { name: el.dataset.labelWeek, type: "bar", data: d.completed, barMaxWidth: 14 },
          { name: el.dataset.labelTotal, type: "line", yAxisIndex: 1, data: d.cumulative,
            symbol: "none", lineStyle: { width: 2 } }
        ]
      };
    },
    areas: function (data, el) {
      var d = data.areas;
      function series(key) {
        return { name: el.dataset["label" + key.charAt(0).toUpperCase() + key.slice(1)], type: "bar", stack: "lights",
                 data: d[key], itemStyle: { color: palette[key] }, barMaxWidth: 18,
                 label: { show: true, position: "inside", color: "#fff", formatter: function (p) { return p.value || ""; } } };
      }
      return {
        textStyle: { fontFamily: font },
        tooltip: { trigger: "axis", renderMode: "richText", axisPointer: { type: "shadow" } },
        legend: { top: 0 },
        grid: { left: 8, right: 16, top: 36, bottom: 8, containLabel: true },
        xAxis: { type: "value", minInterval: 1, splitLine: { lineStyle: { color: palette.line } } },
        yAxis: { type: "category", data: d.names, inverse: true, axisLabel: { color: palette.ink, width: 110, overflow: "truncate" } },
        series: [series("red"), series("amber"), series("green")]
      };
    }
  };

  function init() {
    if (!window.echarts) { return; }
    var charts = [];
    document.querySelectorAll("[data-chart]").forEach(function (el) {
      var build = builders[el.dataset.chart];
      var data = readData(el.dataset.source);
      if (!build || !data) { return; }
      var chart = window.echarts.init(el, null, { renderer: "svg" });
      chart.setOption(build(data, el));
      charts.push(chart);
    });
    var pending = null;
    window.addEventListener("resize", function () {
      if (pending) { window.clearTimeout(pending); }
      pending = window.setTimeout(function () { charts.forEach(function (c) { c.resize(); }); }, 100);
    });
  }

  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", init); } else { init(); }
})();
