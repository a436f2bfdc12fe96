// 统计分析 and 成绩单: draw each [data-chart] element with ECharts from the page's JSON block
// (#dashboard-data). The tables under the charts carry the same figures, so the page reads,
// prints and works without this script.
(function () {
  "use strict";

  var FONT = '"Noto Sans CJK SC", "Microsoft YaHei", "PingFang SC", sans-serif';
  // Tooltips are drawn on the canvas ("richText"): ECharts' HTML tooltips carry style
  // attributes, which the console's Content-Security-Policy (no 'unsafe-inline') blocks.

  function total(spec) {
    return spec.series.reduce(function (sum, s) {
      return sum + s.data.reduce(function (a, b) { return a + (b || 0); }, 0);
    }, 0);
  }

  function emptyTitle(el, spec) {
    return total(spec) ? undefined : {
      text: el.getAttribute("data-empty") || "", left: "center", top: "middle",
      textStyle: { color: "#6c757d", fontSize: 14, fontWeight: "normal" }
    };
  }

  function axisOption(el, spec, horizontal) {
    var category = { type: "category", data: spec.labels, axisTick: { alignWithLabel: true },
                     axisLabel: { interval: 0, width: horizontal ? 150 : 90, overflow: "truncate" } };
    var value = { type: "value", minInterval: 1 };
    if (horizontal) { category.inverse = true; }  // the first row of the table on top
    return {
      textStyle: { fontFamily: FONT },
      title: emptyTitle(el, spec),
      tooltip: { trigger: "axis", renderMode: "richText", axisPointer: { type: horizontal ? "shadow" : "line" } },
      legend: { top: 0, show: spec.series.length > 1 },
      grid: { left: 8, right: 24, top: spec.series.length > 1 ? 32 : 12, bottom: 8, containLabel: true },
      xAxis: horizontal ? value : category,
      yAxis: horizontal ? category : value,
      series: spec.series.map(function (s) {
        return {
          name: s.name, type: spec.type === "line" ? "line" : "bar", data: s.data,
          itemStyle: { color: s.color }, lineStyle: { color: s.color }, smooth: false,
          symbolSize: 7, barMaxWidth: 22,
          label: { show: spec.type !== "line" && spec.series.length === 1, position: horizontal ? "right" : "top" }
        };
      })
    };
  }

  function pieOption(el, spec) {
    var s = spec.series[0];
    return {
      textStyle: { fontFamily: FONT },
      title: emptyTitle(el, spec),
      tooltip: { trigger: "item", renderMode: "richText", formatter: "{b}：{c}（{d}%）" },
      legend: { bottom: 0 },
      series: [{
        name: s.name, type: "pie", radius: ["38%", "66%"], center: ["50%", "44%"],
        label: { formatter: "{c}" },
        data: spec.labels.map(function (label, i) {
          return { name: label, value: s.data[i], itemStyle: { color: s.colors[i] } };
        }).filter(function (item) { return item.value > 0; })
      }]
    };
  }

  function draw(el, spec) {
    if (spec.type === "hbar") {
      // Room for every label: a tall chart for a long list of departments.
      el.style.height = Math.max(260, spec.labels.length * (14 + 8 * spec.series.length) + 70) + "px";
    }
    el.classList.add("chart-ready");
    var chart = window.echarts.init(el, null, { renderer: "canvas" });
    chart.setOption(Object.assign({ animation: false },
      spec.type === "pie" ? pieOption(el, spec) : axisOption(el, spec, spec.type === "hbar")));
    return chart;
  }

  function copy(button) {
    var source = document.querySelector(button.getAttribute("data-copy"));
    if (!source) { return; }
    var text = source.textContent.trim();
    var done = function () {
      var span = button.querySelector("span");
      if (span) { span.textContent = button.getAttribute("data-copied"); }
      button.classList.replace("btn-outline-primary", "btn-success");
    };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(done, function () {});
    } else {
      var range = document.createRange();
      range.selectNodeContents(source);
      var selection = window.getSelection();
      selection.removeAllRanges();
      selection.addRange(range);
      if (document.execCommand("copy")) { done(); }
    }
  }

  var charts = [];
  var block = document.getElementById("dashboard-data");
  if (block && window.echarts) {
    var data = JSON.parse(block.textContent);
    document.querySelectorAll("[data-chart]").forEach(function (el) {
      var spec = data[el.getAttribute("data-chart")];
      if (spec) { charts.push(draw(el, spec)); }
    });
    window.addEventListener("resize", function () {
      charts.forEach(function (chart) { chart.resize(); });
    });
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-copy], [data-action=print]");
    if (!button) { return; }
    if (button.hasAttribute("data-copy")) { copy(button); } else { window.print(); }
  });
})();
