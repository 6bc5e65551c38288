"""The form renderer: the plain input widgets (text, number, date, hidden, checkbox, …) and the
textarea written by Python, the rest by Django's widget templates.

A page's form fields each cost Django three template renders (the widget's, `input.html`,
`attrs.html`); these widgets' HTML is one line, written here exactly as those templates write it
(tests/test_form_renderer.py compares the two on a table of widgets, values and attributes)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.forms.renderers import DjangoTemplates
from django.utils.html import conditional_escape

INPUT_TEMPLATES = frozenset(
    f"django/forms/widgets/{kind}.html"
    for kind in (
        "input",
        "text",
        "number",
        "email",
        "url",
        "password",
        "hidden",
        "date",
        "time",
        "datetime",
        "search",
        "tel",
        "checkbox",
    )
)
TEXTAREA_TEMPLATE = "django/forms/widgets/textarea.html"


def attributes(attrs: dict[str, Any]) -> str:
    """` name="value"` for each attribute; a True one by its name alone, a False one left out."""
    return "".join(
        f" {conditional_escape(name)}"
        if value is True
        else f' {conditional_escape(name)}="{conditional_escape(value)}"'
        for name, value in attrs.items()
        if value is not False
    )


def input_html(widget: dict[str, Any]) -> str:
    value = "" if widget["value"] is None else f' value="{conditional_escape(widget["value"])}"'
    return (
        f'<input type="{conditional_escape(widget["type"])}" name="{conditional_escape(widget["name"])}"'
        f"{value}{attributes(widget['attrs'])}>"
    )


def textarea_html(widget: dict[str, Any]) -> str:
    name, value = conditional_escape(widget["name"]), conditional_escape(widget["value"] or "")
    return f'<textarea name="{name}"{attributes(widget["attrs"])}>\n{value}</textarea>'


WRITERS: dict[str, Callable[[dict[str, Any]], str]] = {
    **dict.fromkeys(INPUT_TEMPLATES, input_html),
    TEXTAREA_TEMPLATE: textarea_html,
}


class FormRenderer(DjangoTemplates):
    """Django's default renderer, with the one-line widgets written in Python."""

    def render(self, template_name: str, context: dict[str, Any], request: Any = None) -> str:
        if writer := WRITERS.get(template_name):
            return writer(context["widget"])
        return super().render(template_name, context, request)
