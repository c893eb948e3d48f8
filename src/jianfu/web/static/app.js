// Charts on the overview (from the JSON the page carries) and the progress bar of a scan job.
// No inline scripts: the Content-Security-Policy allows only files from this site.
(function () {
  "use strict";
  const KIND = { app: "政务应用程序", miniprogram: "小程序", public_account: "政务公众账号", work_group: "工作群组" };
  const WEEK = ["周一", "周二", "周三", "周四", "周五", "周六", "周日"];

  function chart(id, option) {
    const el = document.getElementById(id);
    if (!el || typeof echarts === "undefined") return;
    const c = echarts.init(el, null, { renderer: "canvas" });
    c.setOption(Object.assign({ animation: false, tooltip: { trigger: "axis" }, grid: { left: 60, right: 20, top: 30, bottom: 40, containLabel: true } }, option));
    window.addEventListener("resize", () => c.resize());
    el.dataset.ready = "1";
  }

  function overview(data) {
    const trend = data.tools.trend;
    chart("chart-trend", {
      legend: { top: 0 },
      xAxis: { type: "category", data: trend.map((r) => r.month) },
      // Work groups outnumber the other kinds tenfold: they get their own axis so every line shows its change.
      yAxis: [{ type: "value", scale: true, name: "应用/小程序/公众号" }, { type: "value", scale: true, name: "工作群组" }],
      series: Object.keys(KIND).map((k) => ({ name: KIND[k], type: "line", yAxisIndex: k === "work_group" ? 1 : 0, data: trend.map((r) => r[k]) })),
    });
    chart("chart-codes", {
      tooltip: { trigger: "item" },
      xAxis: { type: "value" },
      yAxis: { type: "category", data: data.findings.by_code.map((r) => r.name).reverse() },
      series: [{ type: "bar", data: data.findings.by_code.map((r) => r.count).reverse(), itemStyle: { color: "#c0392b" } }],
    });
    const burden = data.burden.by_issuing_unit.slice().reverse();
    chart("chart-burden", {
      xAxis: { type: "value", name: "人·小时" },
      yAxis: { type: "category", data: burden.map((r) => r.unit), axisLabel: { width: 200, overflow: "truncate" } },
      series: [{ type: "bar", data: burden.map((r) => r.cadre_hours), itemStyle: { color: "#1f5fa8" } }],
    });
    const heat = data.heatmap.map((d) => [d[1], d[0], d[2]]);
    const max = Math.max(1, ...heat.map((d) => d[2]));
    chart("chart-heat", {
      tooltip: { position: "top" },
      grid: { left: 50, right: 20, top: 10, bottom: 60 },
      xAxis: { type: "category", data: [...Array(24).keys()].map((h) => h + "时"), splitArea: { show: true } },
      yAxis: { type: "category", data: WEEK, inverse: true, splitArea: { show: true } },
      visualMap: { min: 0, max: max, calculable: true, orient: "horizontal", left: "center", bottom: 0, inRange: { color: ["#fff5f0", "#fb6a4a", "#99000d"] } },
      series: [{ type: "heatmap", data: heat }],
    });
    const months = data.monthly;
    chart("chart-monthly", {
      legend: { top: 0 },
      xAxis: { type: "category", data: months.map((r) => r.month) },
      yAxis: [{ type: "value", name: "问题数" }, { type: "value", name: "人·小时" }],
      series: [
        { name: "问题数", type: "bar", data: months.map((r) => r.demands), itemStyle: { color: "#c0392b" } },
        { name: "负担（人·小时）", type: "line", yAxisIndex: 1, data: months.map((r) => r.cadre_hours) },
      ],
    });
    const levels = Object.keys(data.tools.by_level);
    chart("chart-levels", {
      legend: { top: 0 },
      xAxis: { type: "category", data: levels },
      yAxis: { type: "value" },
      series: Object.keys(KIND).map((k) => ({ name: KIND[k], type: "bar", stack: "t", data: levels.map((l) => data.tools.by_level[l][k] || 0) })),
    });
  }

  function pollJob(box) {
    const id = box.dataset.job;
    const text = { queued: "排队中", running: "进行中", done: "已完成", failed: "失败" };
    async function tick() {
      const r = await fetch("/api/jobs/" + id, { credentials: "same-origin" });
      if (!r.ok) return;
      const j = await r.json();
      document.getElementById("job-progress").value = j.progress;
      document.getElementById("job-processed").textContent = j.processed;
      document.getElementById("job-total").textContent = j.total;
      document.getElementById("job-findings").textContent = j.findings;
      document.getElementById("job-status").firstChild.textContent = text[j.status] + " ";
      box.dataset.status = j.status;
      if (j.status === "done" || j.status === "failed") {
        window.location.reload();
        return;
      }
      setTimeout(tick, 700);
    }
    tick();
  }

  document.addEventListener("DOMContentLoaded", () => {
    const data = document.getElementById("overview-data");
    if (data) overview(JSON.parse(data.textContent));
    const box = document.getElementById("job");
    if (box && (box.dataset.status === "queued" || box.dataset.status === "running")) pollJob(box);
  });
})();
