// Show the guardian fields only when they apply (a minor, or a TI/RC document).
// The server checks the rule anyway; without JavaScript the fields simply stay visible.
(function () {
  "use strict";
  var box = document.getElementById("acudiente");
  var birth = document.getElementById("birth_date");
  var docType = document.getElementById("document_type");
  if (!box || !birth || !docType) { return; }

  function isMinor() {
    if (docType.value === "TI" || docType.value === "RC") { return true; }
    var born = new Date(birth.value + "T00:00:00");
    if (isNaN(born.getTime())) { return true; }
    var adult = new Date(born.getFullYear() + 18, born.getMonth(), born.getDate());
    return adult > new Date();
  }

  function update() {
    var hasError = box.querySelector(".is-invalid") !== null;
    box.hidden = !(hasError || isMinor());
  }

  birth.addEventListener("change", update);
  birth.addEventListener("input", update);
  docType.addEventListener("change", update);
  update();
})();
