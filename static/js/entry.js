// After htmx swaps in the saved form (or its errors), move focus to the message so
// screen readers announce it and the patient sees it without scrolling.
document.body.addEventListener("htmx:afterSettle", () => {
  const message = document.querySelector("#entry-form [data-focus]");
  if (message) {
    message.focus();
    message.scrollIntoView({ block: "start", behavior: "smooth" });
  }
});
