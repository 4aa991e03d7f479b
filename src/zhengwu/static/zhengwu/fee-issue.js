/* Fees: the issue (and correct) form's 合计 as the clerk ticks, types quantities, picks waivers and decided amounts;
   the submit button's confirmation states it (confirm.js asks with the button's data-confirm). The server computes
   the notice again; this is only what the clerk is about to charge. */
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

  function update() {
    var yuan = total();
    if (shown) { shown.textContent = yuan; }
    if (button) { button.dataset.confirm = button.dataset.confirmText.replace("{total}", yuan); }
  }

  form.addEventListener("input", update);
  form.addEventListener("change", update);
  update();
})();
