// Draws each plotly figure whose JSON sits in a json_script element named by the
// container's data-figure attribute (the CSP forbids inline scripts). The figure carries
// the config it is drawn with (journal/charts.py PLOTLY_CONFIG); a figure without one is
// not drawn, so plotly's own defaults (a "Share chart" button among them) never apply.
(function () {
  "use strict";

  // The SVG layers only repeat the week-by-week table (the figure's aria-details): hide
  // them from assistive technology, but never an ancestor of the toolbar, which stays in
  // reach. The toolbar is one Tab stop; arrow keys move along it (a roving tabindex).
  // Runs after every redraw (plotly may rebuild the toolbar).
  function decorate(container) {
    container.querySelectorAll(".main-svg, .gl-container").forEach(function (layer) {
      layer.setAttribute("aria-hidden", "true");
    });
    var bar = container.querySelector(".modebar");
    if (!bar) return;
    bar.setAttribute("aria-label", container.dataset.toolsLabel || "Chart tools");
    var buttons = Array.prototype.slice.call(bar.querySelectorAll(".modebar-btn"));
    var current = buttons.filter(function (button) { return button.getAttribute("tabindex") === "0"; });
    buttons.forEach(function (button) {
      button.tabIndex = button === (current.length === 1 ? current[0] : buttons[0]) ? 0 : -1;
      // Zoom and Pan are a choice of what dragging does: toggle buttons.
      if (button.dataset.attr === "dragmode") {
        button.setAttribute("aria-pressed", String(button.classList.contains("active")));
      }
    });
    if (bar.dataset.arrowKeys) return;
    bar.dataset.arrowKeys = "true";
    bar.addEventListener("keydown", function (event) {
      var all = Array.prototype.slice.call(bar.querySelectorAll(".modebar-btn"));
      var index = all.indexOf(document.activeElement);
      var moves = { ArrowRight: index + 1, ArrowDown: index + 1, ArrowLeft: index - 1, ArrowUp: index - 1,
                    Home: 0, End: all.length - 1 };
      if (index < 0 || !(event.key in moves)) return;
      event.preventDefault();
      var next = (moves[event.key] + all.length) % all.length;
      all.forEach(function (button, position) { button.tabIndex = position === next ? 0 : -1; });
      all[next].focus();
    });
  }

  // The time-range buttons are HTML buttons in the page (aria-controls names the chart),
  // with the ranges journal/charts.py chart_ranges() computed; pressed = shown now.
  function rangeButtons(container) {
    var buttons = document.querySelectorAll('button[aria-controls="' + container.id + '"][data-range-first]');
    if (!buttons.length) return;
    buttons.forEach(function (button) {
      button.addEventListener("click", function () {
        Plotly.relayout(container, { "xaxis.range": [button.dataset.rangeFirst, button.dataset.rangeEnd] });
      });
    });
    container.on("plotly_relayout", function () {
      var range = container.layout.xaxis.range || [];
      buttons.forEach(function (button) {
        var shown = button.dataset.rangeFirst === range[0] && button.dataset.rangeEnd === range[1];
        button.setAttribute("aria-pressed", String(shown));
      });
    });
    buttons[0].parentElement.hidden = false;
  }

  // The figure (journal/charts.py) is drawn in the light theme's colours, the same as
  // static/css/app.css's: each is drawn in its CSS variable's value now, so the chart follows
  // the page's theme (dark or light) and changes with it. The figure's data is never touched.
  var THEMED = {
    "#1b2733": "--ink", "#5b6875": "--muted", "#1d5c63": "--brand", "#ffffff": "--card",
    "#e8edf1": "--chart-grid", "rgba(255,255,255,0.92)": "--chart-toolbar-bg",
    "#a11d2a": "--bad", "#dd6b20": "--chart-accent", "#e3b23c": "--chart-mild",
  };
  // Only values under a colour's key (color, bgcolor, gridcolor, fillcolor…) change: no text.
  function themed(value, style, colour) {
    if (typeof value === "string") {
      var name = colour && THEMED[value.replace(/\s+/g, "").toLowerCase()];
      return name ? style.getPropertyValue(name).trim() || value : value;
    }
    if (Array.isArray(value)) return value.map(function (item) { return themed(item, style, colour); });
    if (value && typeof value === "object") {
      var copy = {};
      Object.keys(value).forEach(function (key) { copy[key] = themed(value[key], style, /colou?r$/i.test(key)); });
      return copy;
    }
    return value;
  }
  function themedFigure(figure) {
    var style = window.getComputedStyle(document.documentElement);
    return { data: themed(figure.data, style, false), layout: themed(figure.layout, style, false), config: figure.config };
  }
  var darkTheme = window.matchMedia("(prefers-color-scheme: dark)");
  // On a phone the legend wraps onto more rows than the bottom margin holds and would cover
  // the dates under the time axis: make the figure that much taller, once, after drawing.
  function clearLegend(container, tries) {
    tries = tries === undefined ? 3 : tries;
    var legend = container.querySelector(".legend");
    var dates = container.querySelectorAll(".xtick text");
    if (!legend || !dates.length) return;
    var under = Math.max.apply(null, Array.prototype.map.call(dates, function (date) {
      return date.getBoundingClientRect().bottom;
    }));
    var overlap = Math.ceil(under + 6 - legend.getBoundingClientRect().top);
    if (overlap <= 0 || tries === 0) return;
    var layout = container.layout;
    return Plotly.relayout(container, { height: layout.height + overlap, "margin.b": layout.margin.b + overlap })
      .then(function () { return clearLegend(container, tries - 1); });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-figure]").forEach(function (container) {
      var source = document.getElementById(container.dataset.figure);
      if (!source || typeof Plotly === "undefined") return;
      var figure = JSON.parse(source.textContent);
      if (!figure.config) {
        console.error("Chart " + container.dataset.figure + " has no config: not drawn.");
        return;
      }
      // The appointment summary is drawn for paper, which stays light.
      var forPaper = container.classList.contains("print-chart");
      Plotly.newPlot(container, forPaper ? figure : themedFigure(figure))
        .then(function () { return clearLegend(container); })
        .then(function () {
          decorate(container);
          container.on("plotly_afterplot", function () { decorate(container); });
          rangeButtons(container);
          if (!forPaper) darkTheme.addEventListener("change", function () {
            var shown = themedFigure(figure);
            var range = container.layout.xaxis && container.layout.xaxis.range;
            if (range) shown.layout.xaxis = Object.assign({}, shown.layout.xaxis, { range: range, autorange: false });
            Plotly.react(container, shown);
          });
        });
    });
  });
})();
