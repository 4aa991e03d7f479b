/* The kiosk's forms are sent once: a second tap on a button while the first one's answer is on its way (a double
   tap on a touch screen) is ignored, so it takes no second number. The page that answers shows what was taken
   (Post/Redirect/Get), so a reload takes nothing either. */
(function () {
  "use strict";
  document.addEventListener("submit", function (event) {
    const form = event.target;
    if (form.method.toLowerCase() !== "post") return;
    if (form.dataset.sent) { event.preventDefault(); return; }
    form.dataset.sent = "1";
  });
  // Back from the answer page (the browser's page cache): the forms can be sent again.
  window.addEventListener("pageshow", function () {
    document.querySelectorAll("form[data-sent]").forEach(function (form) { delete form.dataset.sent; });
  });
})();
