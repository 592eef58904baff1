// Print buttons ([data-print]) appear only with JavaScript; without it the browser's own Print
// menu does the same. A listener here, not onclick="": the Content Security Policy runs no
// inline script (coachdesk/settings.py).
document.querySelectorAll("[data-print]").forEach(function (button) {
  button.hidden = false;
  button.addEventListener("click", function () { window.print(); });
});
