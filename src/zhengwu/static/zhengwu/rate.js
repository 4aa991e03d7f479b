/* 好差评: the rating form's levels and tags (was inline in evaluation/portal/rate.html). */
(function () {
  "use strict";
  // Tags belong to one level: choosing a level clears tags ticked under another.
  document.querySelectorAll('#rating-form input[name=level]').forEach(function (radio) {
    radio.addEventListener('change', function () {
      document.querySelectorAll('#rating-form input[name=tags]').forEach(function (box) {
        if (box.dataset.level !== radio.value) { box.checked = false; }
      });
    });
  });
  document.querySelectorAll('#rating-form input[name=tags]').forEach(function (box) {
    box.addEventListener('change', function () {
      if (box.checked) { document.getElementById('level-' + box.dataset.level).checked = true;
        document.getElementById('level-' + box.dataset.level).dispatchEvent(new Event('change')); box.checked = true; }
    });
  });
})();
