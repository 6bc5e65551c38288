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
})();
