/* Applying online: the principal's fields only when applying for another (was inline in cases/portal/apply.html). */
(function () {
  "use strict";  // without scripts every field stays visible; with them, the principal's only when applying for another
  var form = document.getElementById("apply-form"), box = document.getElementById("on-behalf");
  if (!form || !box) { return; }
  function show() {
    var chosen = form.querySelector('input[name="applying_as"]:checked');
    box.hidden = !chosen || chosen.value === "self";
  }
  form.addEventListener("change", function (event) { if (event.target.name === "applying_as") { show(); } });
  show();
})();
