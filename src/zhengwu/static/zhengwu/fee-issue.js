/* Fees: the issue (and correct) form's 合计 as the clerk ticks, types quantities, picks waivers and decided amounts;
   the submit button's confirmation states it (confirm.js asks with the button's data-confirm). The server computes
   the notice again; this is only what the clerk is about to charge.
   Two alternatives of one fee (择一收取: 不动产登记费 住宅类 or 非住宅类) ticked together are refused here, at the
   second one's box and before the confirmation asks to charge them both — the server refuses them too
   (services.compute_lines), with the same words (the form's data-choose-one-text). */
(function () {
  "use strict";
  var form = document.querySelector("form[data-fee-issue]");
  if (!form) { return; }
  var button = form.querySelector("button[data-confirm-text]");
  var shown = document.getElementById("issue-total");

  function cents(text) {
    var value = parseFloat(String(text || "").trim());
    return isFinite(value) ? Math.round(value * 100) : null;
  }

  function total() {
    var sum = 0;
    form.querySelectorAll("tr[data-fee]").forEach(function (row) {
      var code = row.dataset.fee;
      var tick = form.querySelector("input[name='c_" + code + "']");
      if (!tick || !tick.checked) { return; }
      var unit = cents(row.dataset.amount) || 0;
      var decided = form.querySelector("input[name='d_" + code + "']");
      if (decided && cents(decided.value) !== null) { unit = cents(decided.value); }
      var count = 1;
      var quantity = form.querySelector("input[name='q_" + code + "']");
      if (quantity) { count = Math.max(0, parseInt(quantity.value, 10) || 0); }
      var amount = unit * count;
      var waiver = form.querySelector("select[name='w_" + code + "']");
      var option = waiver && waiver.selectedOptions[0];
      if (option && option.dataset.percent !== undefined) {
        amount = Math.round(amount * parseInt(option.dataset.percent, 10) / 100);
      }
      sum += amount;
    });
    return (sum / 100).toFixed(2);
  }

  // the first box of each 择一收取 group ticked is charged; any other of the group ticked is refused at its box
  // (its validity, so the browser will not send the form, and the words under its name); returns the first refused
  function alternatives() {
    var chosen = {};
    var refused = null;
    form.querySelectorAll("tr[data-choose-one]").forEach(function (row) {
      var tick = form.querySelector("input[name='c_" + row.dataset.fee + "']");
      if (!tick) { return; }
      var said = document.getElementById("c-" + row.dataset.fee + "-error");
      var group = row.dataset.chooseOne;
      var message = "";
      if (tick.checked && chosen[group]) {
        message = (form.dataset.chooseOneText || "")
          .replace("{first}", chosen[group].dataset.name)
          .replace("{second}", row.dataset.name)
          .replace("{group}", group);
      } else if (tick.checked) {
        chosen[group] = row;
      }
      tick.setCustomValidity(message);
      if (message) {
        tick.classList.add("is-invalid");
        tick.setAttribute("aria-invalid", "true");
        if (said) { tick.setAttribute("aria-describedby", said.id); }
        refused = refused || tick;
      } else if (tick.getAttribute("aria-invalid")) {
        tick.classList.remove("is-invalid");
        tick.removeAttribute("aria-invalid");
        tick.removeAttribute("aria-describedby");
      }
      if (said) { said.textContent = message; said.hidden = !message; }
    });
    return refused;
  }

  function update() {
    var yuan = total();
    if (shown) { shown.textContent = yuan; }
    if (button) { button.dataset.confirm = button.dataset.confirmText.replace("{total}", yuan); }
    alternatives();
  }

  // before confirm.js's question (a listener on the document, which this one stops): nothing to confirm while
  // the form would be refused
  form.addEventListener("submit", function (event) {
    var refused = alternatives();
    if (!refused) { return; }
    event.preventDefault();
    event.stopPropagation();
    refused.reportValidity();
  });
  form.addEventListener("input", update);
  form.addEventListener("change", update);
  update();
})();
