"""Light and dark themes and text that scales: every colour of the style sheets is a CSS
variable set for both themes, no font size is fixed in pixels, and every colour the chart's
figure is drawn with has a themed value in static/js/chart.js."""

from __future__ import annotations

import re
from pathlib import Path

from django.conf import settings

from journal.charts import patient_figure
from tests.test_charts import six_months_of_eight_symptoms

STATIC = Path(settings.BASE_DIR) / "static"
COLOUR = re.compile(r"#[0-9a-fA-F]{3,8}\b|rgba?\([^)]*\)")


def css(name: str) -> str:
    return re.sub(r"/\*.*?\*/", "", (STATIC / "css" / name).read_text(), flags=re.S)


def variables(block: str) -> dict[str, str]:
    return dict(re.findall(r"(--[\w-]+):\s*([^;]+);", block))


def root_blocks() -> tuple[str, str]:
    app = css("app.css")
    light = app[app.index(":root {") : app.index("}", app.index(":root {"))]
    dark_start = app.index("@media screen and (prefers-color-scheme: dark)")
    dark = app[dark_start : app.index("}", app.index(":root {", dark_start))]
    return light, dark


def test_colours_are_set_only_as_variables_of_the_two_themes():
    light, dark = root_blocks()
    app = css("app.css")
    outside = app.replace(light, "").replace(dark, "")
    for name in ("patient.css", "plans.css", "exports.css"):
        outside += css(name)
    assert COLOUR.findall(outside) == []
    assert "color-scheme: light dark" in light


def test_every_colour_the_dark_theme_changes_is_a_light_one_too():
    light, dark = root_blocks()
    assert set(variables(dark)) <= set(variables(light))
    for name in ("--ink", "--muted", "--bg", "--card", "--brand", "--on-brand", "--ok", "--warn", "--bad"):
        assert variables(dark)[name] != variables(light)[name], name


def test_no_font_size_is_fixed_in_pixels():
    """Text follows the browser's and the phone's text size (rem and em; points on paper only)."""
    for path in (STATIC / "css").glob("*.css"):
        sizes = re.findall(r"font(?:-size)?:\s*([^;]+);", css(path.name))
        assert not [size for size in sizes if re.search(r"\d+px", size)], path.name


def test_the_chart_script_themes_every_colour_of_the_figure():
    themed = set(
        re.findall(r'"(#[0-9a-f]{6}|rgba\([^)]*\))": "--[\w-]+"', (STATIC / "js" / "chart.js").read_text())
    )
    light, _ = root_blocks()
    for value in re.findall(
        r'"(#[0-9a-f]{6}|rgba\([^)]*\))": "(--[\w-]+)"', (STATIC / "js" / "chart.js").read_text()
    ):
        colour, name = value
        assert variables(light)[name].replace(" ", "").lower() == colour, name  # the same colour in light

    colours: set[str] = set()

    def collect(value: object, key: str = "") -> None:
        if isinstance(value, dict):
            for inner_key, inner in value.items():
                collect(inner, inner_key)
        elif isinstance(value, list):
            for item in value:
                collect(item, key)
        elif isinstance(value, str) and re.search("colou?r$", key, re.I):
            colours.add(value.replace(" ", "").lower())

    figure = patient_figure(six_months_of_eight_symptoms())
    collect({"data": figure["data"], "layout": figure["layout"]})
    translucent = {
        colour for colour in colours if colour.startswith("rgba(") and float(colour[:-1].split(",")[3]) < 0.5
    }
    assert colours - translucent <= themed
