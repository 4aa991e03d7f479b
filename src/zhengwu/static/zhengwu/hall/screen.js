/* The hall screen (大屏): refreshes the day's figures, shows the numbers called to the windows and announces each
   new call once in Chinese through the browser's speech synthesis. URLs come from the <body>'s data attributes. */
(function () {
  "use strict";
  const body = document.body;
  const dataUrl = body.dataset.dataUrl;
  const callsUrl = body.dataset.callsUrl;
  const announced = new Map(); // call id → the moment it was announced (a recall announces again)
  let first = true;

  function cell(text) { const td = document.createElement("td"); td.textContent = text; return td; }

  function speak(text) {
    if (!("speechSynthesis" in window)) return;
    const utterance = new SpeechSynthesisUtterance(text);
    utterance.lang = "zh-CN";
    utterance.rate = 0.9;
    window.speechSynthesis.speak(utterance);
  }

  function refreshFigures() {
    if (!dataUrl) return;
    fetch(dataUrl, {cache: "no-store"}).then(r => r.json()).then(d => {
      for (const k of ["today", "in_progress", "completed_today"]) {
        const el = document.getElementById(k); if (el) el.textContent = d[k];
      }
      const rate = document.getElementById("on_time_rate");
      if (rate) rate.textContent = d.on_time_rate === null ? "—" : d.on_time_rate + "%";
      const now = document.getElementById("now"); if (now) now.textContent = d.now;
      const latest = document.getElementById("latest");
      if (latest) {
        latest.replaceChildren();
        for (const c of d.latest) {
          const tr = document.createElement("tr");
          [c.applicant, c.item, c.window, c.at].forEach(t => tr.appendChild(cell(t)));
          latest.appendChild(tr);
        }
      }
    }).catch(() => {});
  }

  function refreshCalls() {
    if (!callsUrl) return;
    fetch(callsUrl, {cache: "no-store"}).then(r => r.json()).then(d => {
      const panel = document.getElementById("calls");
      if (panel) {
        panel.replaceChildren();
        d.calls.forEach((c, i) => {
          const box = document.createElement("div");
          box.className = "zw-call" + (i === 0 ? " fresh" : "");
          box.dataset.testid = "call";
          const n = document.createElement("div"); n.className = "n"; n.textContent = c.number;
          const w = document.createElement("div"); w.className = "w"; w.textContent = c.window + " 号窗口";
          box.append(n, w);
          panel.appendChild(box);
        });
        if (!d.calls.length) {
          const box = document.createElement("div"); box.className = "zw-call";
          const w = document.createElement("div"); w.className = "w"; w.textContent = "暂无叫号";
          box.appendChild(w); panel.appendChild(box);
        }
      }
      const waiting = document.getElementById("waiting");
      if (waiting) {
        waiting.replaceChildren();
        for (const q of d.waiting) {
          const tr = document.createElement("tr");
          [q.prefix + " " + q.name, String(q.waiting)].forEach(t => tr.appendChild(cell(t)));
          if (q.paused) {  // a group outside its hours: 暂停取号 · 今天 13:30 开放, worded by the server
            const note = document.createElement("span");
            note.className = "zw-paused"; note.dataset.testid = "group-paused"; note.textContent = q.paused;
            tr.firstChild.append(" ", note);
          }
          waiting.appendChild(tr);
        }
      }
      // the oldest new call first; on opening the page nothing old is read out
      for (const c of d.calls.slice().reverse()) {
        if (announced.get(c.id) === c.at) continue;
        announced.set(c.id, c.at);
        if (!first) { speak(c.say); body.dataset.lastSaid = c.say; }
      }
      first = false;
    }).catch(() => {});
  }

  refreshCalls();
  // A closed hall's notice: the page reloads itself when numbers are given again (the next opening, less the early
  // minutes), so a screen left on over the weekend shows the day's queue without anyone touching it.
  const closed = document.getElementById("hall-closed");
  if (closed && closed.dataset.reopens) {
    const wait = Date.parse(closed.dataset.reopens) - Date.now();
    setTimeout(() => location.reload(), Math.min(Math.max(wait, 60000), 2147483647));
  }
  setInterval(refreshFigures, 30000);
  setInterval(refreshCalls, 3000);
  document.addEventListener("dblclick", () => document.documentElement.requestFullscreen && document.documentElement.requestFullscreen());
})();
