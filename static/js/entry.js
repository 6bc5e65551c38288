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

  // A dose other than the prescribed one is confirmed in the page as soon as it is typed,
  // so the patient ticks the box before saving instead of after a refused save. The server
  // still decides (journal/forms/entries.py); the prescribed dose and the words come from
  // the page (data-prescribed-mg, data-words), worded by the server.
  function typedMg(text) {
    var number = text.trim().toLowerCase().replace(/mg$/, "").trim().replace(",", ".");
    return /^[0-9]*\.?[0-9]+$/.test(number) ? parseFloat(number) : null;
  }

  function showDeviation(form) {
    var box = form.querySelector("[data-testid=deviation]");
    var input = form.querySelector("input[name=dose_mg]");
    var taken = form.querySelector("input[name=dose_taken][value=yes]");
    if (!box || !input || !taken) return;
    var typed = typedMg(input.value);
    var planned = box.dataset.prescribedMg ? parseFloat(box.dataset.prescribedMg) : null;
    var differs = taken.checked && typed !== null && typed > 0 && (planned === null || Math.abs(typed - planned) > 1e-9);
    box.hidden = !differs;
    if (differs) {
      box.querySelector("[data-deviation-words]").textContent = box.dataset.words.replace("{typed}", String(typed));
    } else {
      box.querySelector("input[type=checkbox]").checked = false;
    }
  }

  ["input", "change"].forEach(function (kind) {
    document.addEventListener(kind, function (event) {
      var field = event.target;
      if (!field.form || !field.form.classList.contains("entry-form")) return;
      if (field.name === "dose_mg" || field.name === "dose_taken") showDeviation(field.form);
    });
  });
})();
