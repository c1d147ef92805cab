/* Relève, need form: show only the slot fields of the chosen way of entering slots.
   Progressive enhancement: without JavaScript every field is shown and the server decides. */
(function () {
  "use strict";
  var form = document.querySelector("[data-need-form]");
  if (!form) { return; }
  var blocks = form.querySelectorAll("[data-slot-mode]");

  function update() {
    var checked = form.querySelector('input[name="slot_mode"]:checked');
    var mode = checked ? checked.value : "single";
    blocks.forEach(function (block) {
      var modes = block.getAttribute("data-slot-mode").split(" ");
      block.hidden = modes.indexOf(mode) === -1 && !block.querySelector(".fr-error-text");
    });
  }

  /* Contract kinds take a period; shifts take dates and times. */
  var kind = form.querySelector('select[name="kind"]');
  if (kind) {
    kind.addEventListener("change", function () {
      var contract = kind.value !== "shift";
      var target = form.querySelector('input[name="slot_mode"][value="' + (contract ? "period" : "single") + '"]');
      if (target) { target.checked = true; update(); }
    });
  }
  form.querySelectorAll('input[name="slot_mode"]').forEach(function (radio) {
    radio.addEventListener("change", update);
  });
  update();
}());
