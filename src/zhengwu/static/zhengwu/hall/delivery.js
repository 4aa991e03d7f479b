/* The delivery choice: the address only for post and home delivery, the reason only for home delivery. Without
   scripts every field stays visible (and the server ignores what the method does not need). */
(function () {
  "use strict";
  document.querySelectorAll("[data-delivery]").forEach(function (box) {
    var address = box.querySelector("[data-delivery-address]"), reason = box.querySelector("[data-delivery-reason]");
    function show() {
      var chosen = box.querySelector('input[type="radio"]:checked'), method = chosen ? chosen.value : "";
      if (address) { address.hidden = method !== "post" && method !== "home"; }
      if (reason) { reason.hidden = method !== "home"; }
    }
    box.addEventListener("change", show);
    show();
  });
})();
