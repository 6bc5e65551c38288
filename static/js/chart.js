// Draws each plotly figure whose JSON sits in a json_script element named by the
// container's data-figure attribute (the CSP forbids inline scripts). The figure carries
// the config it is drawn with (journal/charts.py PLOTLY_CONFIG); a figure without one is
// not drawn, so plotly's own defaults (a "Share chart" button among them) never apply.
var SHORT_RANGE_LABELS = { "8 weeks": "8 wk", "3 months": "3 mo", "6 months": "6 mo" };

document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("[data-figure]").forEach(function (container) {
    var source = document.getElementById(container.dataset.figure);
    if (!source || typeof Plotly === "undefined") return;
    var figure = JSON.parse(source.textContent);
    if (!figure.config) {
      console.error("Chart " + container.dataset.figure + " has no config: not drawn.");
      return;
    }
    // On a phone the range buttons only fit with short labels.
    if (container.clientWidth < 560) {
      (figure.layout.updatemenus || []).forEach(function (menu) {
        menu.buttons.forEach(function (button) {
          button.label = SHORT_RANGE_LABELS[button.label] || button.label;
        });
      });
    }
    Plotly.newPlot(container, { data: figure.data, layout: figure.layout, config: figure.config });
  });
});
