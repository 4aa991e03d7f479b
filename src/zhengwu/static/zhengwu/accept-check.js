/* Cases: the acceptance form (受理) names, as the clerk ticks its paper checklist, the required materials still
   provided in no way, and its confirmation says so; the server refuses such an acceptance (行政许可法 第三十二条:
   一次性告知补正 instead). The server renders the same list first; this only keeps it up to date. */
(function () {
  "use strict";
  document.querySelectorAll("form[data-accept-check]").forEach(function (form) {
    var button = form.querySelector("button[data-confirm-missing]");
    var box = form.querySelector("#accept-missing");
    var list = box && box.querySelector("[data-missing-list]");
    var always = form.dataset.alwaysMissing ? [form.dataset.alwaysMissing] : [];
    // after a refused acceptance the server's refusal stands at the checklist in place of this box, until a tick
    // changes: then the box takes over, so the list is said once
    var refusal = form.querySelector("#accept-paper-error");

    function update(event) {
      if (refusal && !(event && event.target.name === "paper")) { return; }
      if (refusal) {
        refusal.remove();
        refusal = null;
        form.querySelectorAll("input[name='paper'].is-invalid").forEach(function (tick) {
          tick.classList.remove("is-invalid");
        });
        var fieldset = form.querySelector("fieldset[aria-describedby='accept-paper-error']");
        if (fieldset) { fieldset.removeAttribute("aria-describedby"); }
      }
      var missing = always.slice();
      form.querySelectorAll("input[name='paper'][data-needed]").forEach(function (tick) {
        if (!tick.checked) { missing.push(tick.dataset.needed); }
      });
      var names = missing.join("、");
      if (box) { box.hidden = !missing.length; }
      if (list) { list.textContent = names; }
      if (button) {
        button.dataset.confirm = missing.length
          ? button.dataset.confirmMissing.replace("{missing}", names)
          : button.dataset.confirmComplete;
      }
    }

    form.addEventListener("change", update);
    update();
  });
})();
