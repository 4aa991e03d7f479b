/* Monthly bulletin: the download links follow the chosen month (was inline). */
document.getElementById("month").closest("form").addEventListener("submit", e => e.preventDefault());
document.getElementById("month").addEventListener("change", e => {
  document.querySelectorAll("[data-format]").forEach(a => { a.href = a.href.replace(/\d{4}-\d{2}\.(pdf|xlsx)$/, e.target.value + "." + a.dataset.format); });
});
