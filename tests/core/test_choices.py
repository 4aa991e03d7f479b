"""core.choices: every choice field's label (get_<field>_display) says what Django's own would, in the language active
at the call, for every value of every choice field of the platform's models — read from a table kept per field."""

from functools import partialmethod

import pytest
from django.apps import apps
from django.db import models
from django.utils import translation

from zhengwu.cases.models import Case
from zhengwu.core import choices


def _choice_fields():
    for model in apps.get_models():
        if model.__module__.startswith("zhengwu."):
            for field in model._meta.concrete_fields:
                if field.choices and isinstance(
                    model.__dict__.get(f"get_{field.name}_display"), partialmethod
                ):
                    yield model, field


def test_every_choice_field_of_the_platform_reads_its_labels_from_the_kept_table():
    fields = list(_choice_fields())
    assert len(fields) > 50  # statuses, kinds, channels … of every domain
    assert all(
        model.__dict__[f"get_{field.name}_display"].func is choices._display for model, field in fields
    )


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_each_label_is_what_djangos_own_display_says(language):
    with translation.override(language):
        for model, field in _choice_fields():
            for value, _label in field.flatchoices:
                instance = model(**{field.attname: value})
                ours = getattr(instance, f"get_{field.name}_display")()
                assert ours == models.Model._get_FIELD_display(instance, field), (model, field.name, value)
            unknown = model(**{field.attname: "no-such-value"})  # a value outside the choices: shown as it is
            assert getattr(unknown, f"get_{field.name}_display")() == "no-such-value"


def test_the_label_follows_the_language_active_at_the_call():
    case = Case(status=Case._meta.get_field("status").choices[0][0])
    with translation.override("zh-hans"):
        chinese = case.get_status_display()
    assert chinese == str(Case._meta.get_field("status").choices[0][1])
    assert any("\u4e00" <= ch <= "\u9fff" for ch in chinese)


def test_replaced_choices_are_read_afresh():
    field = Case._meta.get_field("channel")
    case = Case(channel="counter")
    before = case.get_channel_display()
    kept = field.choices
    try:
        field.choices = [("counter", "柜台(改)")]
        assert case.get_channel_display() == "柜台(改)"
    finally:
        field.choices = kept
    assert case.get_channel_display() == before
