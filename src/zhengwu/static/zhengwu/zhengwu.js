/* Zhengwu page behaviour: the large-text care mode (关怀模式). No framework; htmx does the rest. */
(function () {
  "use strict";

  var COOKIE = "care_mode";
  var ONE_YEAR = 365 * 24 * 3600;

  function setCareMode(on) {
    document.documentElement.classList.toggle("care-mode", on);
    document.body.classList.toggle("care-mode", on);
    document.cookie = COOKIE + "=" + (on ? "1" : "0") + "; path=/; max-age=" + ONE_YEAR + "; SameSite=Lax";
    document.querySelectorAll("[data-care-toggle]").forEach(function (button) {
      button.setAttribute("aria-pressed", on ? "true" : "false");
      var state = button.querySelector(".zw-care-state");
      if (state) state.textContent = on ? state.dataset.on : state.dataset.off;
    });
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-care-toggle]");
    if (!button) return;
    setCareMode(button.getAttribute("aria-pressed") !== "true");
  });

  window.zhengwu = Object.assign(window.zhengwu || {}, { setCareMode: setCareMode });
})();

/* Behaviour that used to be inline in templates (the Content-Security-Policy allows no inline script):
   - a select with data-autosubmit submits its form when changed (filters);
   - the case page's error (#case-error) gets the focus, so a screen reader reads it first;
   - Enter in a search field inside a form (data-enter-searches) sends its "search" event, not the form around it. */
(function () {
  "use strict";
  document.addEventListener("change", function (event) {
    var field = event.target;
    if (field.matches && field.matches("[data-autosubmit]") && field.form) field.form.submit();
  });
  document.addEventListener("keydown", function (event) {
    var field = event.target;
    if (event.key !== "Enter" || !field.matches || !field.matches("[data-enter-searches]")) return;
    event.preventDefault();
    field.dispatchEvent(new Event("search")); // what its hx-trigger listens for
  });
  document.addEventListener("DOMContentLoaded", function () {
    var error = document.getElementById("case-error");
    if (error) error.focus();
  });
})();
