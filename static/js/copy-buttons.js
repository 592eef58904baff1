// Copy buttons ([data-copy-target] = the id of a readonly field) appear only with JavaScript;
// without it the field stays selectable. Status messages go to #copy-status (aria-live).
document.querySelectorAll("[data-copy-target]").forEach(function (button) {
  var field = document.getElementById(button.dataset.copyTarget);
  var status = document.getElementById("copy-status");
  button.hidden = false;
  button.addEventListener("click", function () {
    function selectForManualCopy() {
      field.focus();
      field.select();
      status.textContent = "Selected: press Ctrl+C (or ⌘+C) to copy.";
    }
    if (!navigator.clipboard) { selectForManualCopy(); return; }
    navigator.clipboard.writeText(field.value).then(function () {
      status.textContent = "Copied to the clipboard.";
    }, selectForManualCopy);
  });
});
