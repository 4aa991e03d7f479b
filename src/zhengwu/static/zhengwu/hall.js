/* The hall screen: figures refreshed every 30 s from the URL in body's data-source (was inline). */
(function () {
  function cell(text) { const td = document.createElement("td"); td.textContent = text; return td; }
  function refresh() {
    fetch(document.body.dataset.source, {cache: "no-store"}).then(r => r.json()).then(d => {
      for (const k of ["today", "in_progress", "completed_today"]) document.getElementById(k).textContent = d[k];
      document.getElementById("on_time_rate").textContent = d.on_time_rate === null ? "—" : d.on_time_rate + "%";
      document.getElementById("now").textContent = d.now;
      const body = document.getElementById("latest"); body.replaceChildren();
      for (const c of d.latest) { const tr = document.createElement("tr"); [c.applicant, c.item, c.window, c.at].forEach(t => tr.appendChild(cell(t))); body.appendChild(tr); }
    }).catch(() => {});
  }
  setInterval(refresh, 30000);
  document.addEventListener("dblclick", () => document.documentElement.requestFullscreen && document.documentElement.requestFullscreen());
})();
