// The daily entry form.
(function () {
  "use strict";
  var reducedMotion = window.matchMedia("(prefers-reduced-motion: reduce)");

  // After htmx swaps in the saved form (or its errors), move focus to the message so
  // screen readers announce it and the patient sees it without scrolling; the scroll is
  // instant when the reader asks for reduced motion.
  document.body.addEventListener("htmx:afterSettle", function () {
    var message = document.querySelector("#entry-form [data-focus]");
    if (!message) return;
    message.focus({ preventScroll: true });
    message.scrollIntoView({ block: "start", behavior: reducedMotion.matches ? "auto" : "smooth" });
  });

  // In a 0–10 row, typing a number chooses it (1 then 0 for 10), as well as the arrow keys
  // moving along the row: one key press instead of up to ten.
  var typed = "";
  var forget = null;
  document.addEventListener("keydown", function (event) {
    var radio = event.target;
    if (!radio.matches || !radio.matches(".choices.scores input[type=radio]")) return;
    if (!/^[0-9]$/.test(event.key) || event.ctrlKey || event.metaKey || event.altKey) return;
    event.preventDefault();
    typed = typed === "1" && event.key === "0" ? "10" : event.key;
    clearTimeout(forget);
    forget = setTimeout(function () { typed = ""; }, 1000);
    var choice = radio.form.querySelector('input[type=radio][name="' + radio.name + '"][value="' + typed + '"]');
    if (!choice) return;
    choice.focus();
    if (!choice.checked) {
      choice.checked = true;
      choice.dispatchEvent(new Event("input", { bubbles: true }));
      choice.dispatchEvent(new Event("change", { bubbles: true }));
    }
  });
})();
