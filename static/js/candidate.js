/* Relève, candidate pages: progressive enhancements only (every form works without JS). */
(function () {
  "use strict";

  /* Availability form: the weekday and time fields matter only for a weekly pattern. */
  function toggleWeekly(form) {
    var block = form.querySelector("[data-show-when-kind]");
    if (!block) { return; }
    var wanted = block.getAttribute("data-show-when-kind");
    function update() {
      var checked = form.querySelector('input[name="kind"]:checked');
      block.hidden = !checked || checked.value !== wanted;
    }
    form.querySelectorAll('input[name="kind"]').forEach(function (radio) {
      radio.addEventListener("change", update);
    });
    update();
  }

  /* Profile: the number of validated years matters only when studies are chosen. */
  function toggleYears() {
    var select = document.getElementById("student_code");
    var years = document.getElementById("validated_years");
    if (!select || !years) { return; }
    var group = years.closest(".fr-input-group");
    function update() {
      var hasErrors = group.classList.contains("fr-input-group--error");
      group.hidden = !select.value && !hasErrors;
    }
    select.addEventListener("change", update);
    update();
  }

  /* Applying: "all the slots I cover" ticks or unticks every slot box at once. */
  function toggleAllSlots() {
    var master = document.getElementById("slots-all");
    if (!master) { return; }
    document.getElementById("slots-all-group").hidden = false;
    master.addEventListener("change", function () {
      document.querySelectorAll('input[name="slot_ids"]').forEach(function (box) {
        box.checked = master.checked;
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll(".releve-availability-form").forEach(toggleWeekly);
    toggleYears();
    toggleAllSlots();
  });
})();
