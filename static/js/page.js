// Links to a place on the same page (an error summary's, "Week-by-week table", the skip
// link) move focus there, not only the view: a form field takes focus itself, with its
// label or legend scrolled into view; anything else becomes focusable for the moment.
// Closed <details> around the target open. Scrolling is instant with reduced motion.
(function () {
  "use strict";
  var reducedMotion = window.matchMedia("(prefers-reduced-motion: reduce)");

  document.addEventListener("click", function (event) {
    var link = event.target.closest ? event.target.closest('a[href^="#"]') : null;
    if (!link || link.getAttribute("href").length < 2) return;
    var target = document.getElementById(decodeURIComponent(link.getAttribute("href").slice(1)));
    if (!target) return;
    event.preventDefault();
    for (var closed = target.closest("details:not([open])"); closed; closed = closed.closest("details:not([open])")) {
      closed.open = true;
    }
    if (!target.matches("input, select, textarea, button, a[href], [tabindex]")) target.setAttribute("tabindex", "-1");
    target.focus({ preventScroll: true });
    var shown = target.matches("input, select, textarea") ? target.closest("fieldset, .field") || target : target;
    shown.scrollIntoView({ block: "start", behavior: reducedMotion.matches ? "auto" : "smooth" });
  });
})();
