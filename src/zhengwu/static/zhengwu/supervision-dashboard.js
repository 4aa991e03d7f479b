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
  function drawRanking(chart, rows) {
    chart.setOption({tooltip: {trigger: "axis"}, grid: {left: 140},
      xAxis: {type: "value", max: 100, axisLabel: {formatter: "{value}%"}},
      yAxis: {type: "category", inverse: true, data: rows.map(r => r.label)},
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
  window.addEventListener("resize", () => { trend.resize(); orgs.resize(); wins.resize(); });
})();
