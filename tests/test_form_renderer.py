"""journal.forms.renderer writes the one-line widgets exactly as Django's widget templates do."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates, get_default_renderer
from django.utils.safestring import mark_safe

from journal.forms.renderer import WRITERS, FormRenderer

TEMPLATES = DjangoTemplates()
OURS = FormRenderer()

WIDGETS = [
    forms.TextInput(),
    forms.TextInput(attrs={"maxlength": 40, "autofocus": True, "disabled": False, "data-x": 'a"<b>&'}),
    forms.NumberInput(attrs={"step": "0.25", "min": 0, "max": Decimal("50")}),
    forms.EmailInput(),
    forms.URLInput(),
    forms.PasswordInput(render_value=True),
    forms.HiddenInput(),
    forms.DateInput(attrs={"type": "date"}),
    forms.TimeInput(attrs={"type": "time"}),
    forms.DateTimeInput(),
    forms.CheckboxInput(),
    forms.CheckboxInput(attrs={"required": True}),
    forms.Textarea(attrs={"rows": 3, "maxlength": 500}),
]
VALUES = [
    None,
    "",
    "plain",
    'quote " and <tag> & amp',
    mark_safe("<b>safe</b>"),
    0,
    1.5,
    Decimal("1.50"),
    dt.date(2026, 3, 1),
    dt.time(22, 30),
    True,
    False,
]


@pytest.mark.parametrize("widget", WIDGETS, ids=lambda widget: type(widget).__name__)
@pytest.mark.parametrize("value", VALUES, ids=repr)
def test_written_like_the_templates(widget, value):
    assert widget.template_name in WRITERS
    attrs = {"id": "id_field", "aria-describedby": "id_field_helptext"}
    ours = widget.render("field", value, attrs=attrs, renderer=OURS)
    theirs = widget.render("field", value, attrs=attrs, renderer=TEMPLATES)
    assert ours == theirs


def test_other_widgets_still_use_their_templates():
    select = forms.Select(choices=[("a", "A <1>"), ("b", "B")])
    assert select.template_name not in WRITERS
    assert select.render("pick", "b", renderer=OURS) == select.render("pick", "b", renderer=TEMPLATES)


def test_the_app_renders_its_forms_with_it():
    assert isinstance(get_default_renderer(), FormRenderer)
