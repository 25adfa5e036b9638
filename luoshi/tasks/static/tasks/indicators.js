// The task page's indicator charts: for each element with data-indicator-chart="<n>", the n-th
// indicator of the json_script element named by data-source, drawn as two lines (planned
// trajectory, actuals) on a time axis. The labels come from data-label-* attributes, translated
// in the template; the figures are also in a table under each chart. Drawn again after htmx
// swaps the task body.
(function () {
  "use strict";
  var palette = { plan: "#3c4450", actual: "#9e1b1f", line: "#e1e4e8" };
  var font = '"Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei", system-ui, sans-serif';

  function option(d, el) {
    return {
      animation: false,  // a figure to read, not a show; and the screenshot shows the whole line
      textStyle: { fontFamily: font },
      tooltip: { trigger: "axis", renderMode: "richText" },
      legend: { top: 0, data: [el.dataset.labelPlan, el.dataset.labelActual] },
      grid: { left: 8, right: 16, top: 32, bottom: 8, containLabel: true },
      xAxis: { type: "time", axisLine: { lineStyle: { color: palette.line } } },
      yAxis: { type: "value", name: d.measure || "", scale: true, splitLine: { lineStyle: { color: palette.line } } },
      series: [
        { name: el.dataset.labelPlan, type: "line", data: d.plan, color: palette.plan,
          lineStyle: { type: "dashed", width: 2 }, symbolSize: 5 },
        { name: el.dataset.labelActual, type: "line", data: d.actual, color: palette.actual,
          lineStyle: { width: 2 }, symbolSize: 7 }
      ]
    };
  }

  function draw() {
    if (!window.echarts) { return; }
    document.querySelectorAll("[data-indicator-chart]").forEach(function (el) {
      var node = document.getElementById(el.dataset.source);
      if (!node) { return; }
      var d = JSON.parse(node.textContent)[Number(el.dataset.indicatorChart)];
      if (!d) { return; }
      var chart = window.echarts.getInstanceByDom(el) || window.echarts.init(el, null, { renderer: "svg" });
      chart.setOption(option(d, el), true);
      el.dataset.drawn = "true";
    });
  }

  var pending = null;
  window.addEventListener("resize", function () {
    if (pending) { window.clearTimeout(pending); }
    pending = window.setTimeout(function () {
      document.querySelectorAll("[data-indicator-chart]").forEach(function (el) {
        var chart = window.echarts && window.echarts.getInstanceByDom(el);
        if (chart) { chart.resize(); }
      });
    }, 100);
  });
  document.addEventListener("htmx:afterSettle", draw);
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", draw); } else { draw(); }
})();
