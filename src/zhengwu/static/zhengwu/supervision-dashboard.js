/* Supervision dashboard charts (ECharts), fed by the URL in #trend-chart's data-source (was inline). */
(function () {
  const trend = echarts.init(document.getElementById("trend-chart"));
  const orgs = echarts.init(document.getElementById("org-chart"));
  const wins = echarts.init(document.getElementById("window-chart"));
  let data = null;
  function drawTrend(kind) {
    const s = data[kind];
    trend.setOption({tooltip: {trigger: "axis"}, legend: {data: ["收件", "办结", "超期办结"]},
      xAxis: {type: "category", data: s.labels}, yAxis: {type: "value", minInterval: 1},
      series: [{name: "收件", type: "line", data: s.received}, {name: "办结", type: "line", data: s.completed},
               {name: "超期办结", type: "bar", data: s.late, itemStyle: {color: "#dc3545"}}]}, true);
  }
  /* Long names (国家税务总局贵溪市税务局) wrap onto a second line within a label column sized to the chart, the
     grid keeps the labels inside the chart (containLabel) and room on the right for the "100%" bar labels;
     the chart grows to give wrapped names their two lines. The tooltip shows the whole name. */
  function drawRanking(chart, rows) {
    const dom = chart.getDom();
    const width = dom.clientWidth || 600;
    const narrow = width < 480;
    const labelWidth = Math.round(Math.min(220, Math.max(96, width * 0.36)));
    const fontSize = 12, lineHeight = 14;
    const lines = Math.min(2, Math.max(1, ...rows.map(r => Math.ceil(String(r.label).length * fontSize / labelWidth))));
    const height = Math.max(320, rows.length * (lines * lineHeight + 10) + 50) + "px";
    if (dom.style.height !== height) { dom.style.height = height; chart.resize(); }
    chart.setOption({tooltip: {trigger: "axis", confine: true, valueFormatter: v => v + "%"},
      grid: {left: 8, right: 48, top: 8, bottom: 8, containLabel: true},
      xAxis: {type: "value", max: 100, interval: narrow ? 50 : 20, axisLabel: {formatter: "{value}%"}},
      yAxis: {type: "category", inverse: true, data: rows.map(r => r.label),
        axisLabel: {width: labelWidth, overflow: "break", lineHeight: lineHeight, fontSize: fontSize,
          height: lines * lineHeight, lineOverflow: "truncate"}},
      series: [{name: "按时办结率", type: "bar", data: rows.map((r, i) => ({value: Math.round((r.on_time_rate || 0) * 1000) / 10,
        itemStyle: {color: i < 3 ? "#c00" : "#0d6efd"}})), label: {show: true, position: "right", formatter: "{c}%"}}]}, true);
    chart.off("click");
    chart.on("click", p => { window.location = rows[p.dataIndex].url; });
  }
  fetch(document.getElementById("trend-chart").dataset.source).then(r => r.json()).then(d => {
    data = d; drawTrend("weeks"); drawRanking(orgs, d.organisations); drawRanking(wins, d.windows);
  });
  document.querySelectorAll("[data-trend]").forEach(b => b.addEventListener("click", () => {
    document.querySelectorAll("[data-trend]").forEach(x => x.classList.remove("active"));
    b.classList.add("active"); drawTrend(b.dataset.trend);
  }));
  window.addEventListener("resize", () => {
    trend.resize(); orgs.resize(); wins.resize();
    if (data) { drawRanking(orgs, data.organisations); drawRanking(wins, data.windows); }
  });
})();
