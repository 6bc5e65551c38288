// Links to a place on the same page (an error summary's, "Week-by-week table", the skip
// link) move focus there, not only the view: a form field (or the first control of the
// field's box it links to) takes focus, with its label or legend scrolled into view;
// anything else becomes focusable for the moment.
// Closed <details> around the target open. Scrolling is instant with reduced motion.
(function () {
  "use strict";
  var reducedMotion = window.matchMedia("(prefers-reduced-motion: reduce)");

  // What only helps with this script running shows; what only helps without it (a submit
  // button that htmx makes redundant) goes, and takes its Tab stop with it. Again in
  // whatever htmx swaps in.
  function withScript(root) {
    root.querySelectorAll("[data-with-script]").forEach(function (element) { element.hidden = false; });
    root.querySelectorAll("[data-without-script]").forEach(function (element) { element.hidden = true; });
  }
  document.addEventListener("DOMContentLoaded", function () { withScript(document); });
  document.addEventListener("htmx:load", function (event) { withScript(event.target); });

  document.addEventListener("click", function (event) {
    var link = event.target.closest ? event.target.closest('a[href^="#"]') : null;
    if (!link || link.getAttribute("href").length < 2) return;
    var target = document.getElementById(decodeURIComponent(link.getAttribute("href").slice(1)));
    if (!target) return;
    event.preventDefault();
    for (var closed = target.closest("details:not([open])"); closed; closed = closed.closest("details:not([open])")) {
      closed.open = true;
    }
    // A field's box (a radio group's fieldset): its chosen or first control takes focus.
    var control = target.matches("fieldset, .field")
      ? target.querySelector("input:checked") || target.querySelector("input:not([type=hidden]), select, textarea")
      : null;
    var focused = control || target;
    if (!focused.matches("input, select, textarea, button, a[href], [tabindex]")) focused.setAttribute("tabindex", "-1");
    focused.focus({ preventScroll: true });
    var shown = target.matches("input, select, textarea") ? target.closest("fieldset, .field") || target : target;
    shown.scrollIntoView({ block: "start", behavior: reducedMotion.matches ? "auto" : "smooth" });
  });
})();
