"""A choice field's label (`get_<field>_display()`) read from a table made once per field (issue 20).

Django builds `dict(make_hashable(field.flatchoices))` at every call of `get_<field>_display()`, and hashing the
table hashes each lazily translated label, which translates it: a case's status has a dozen states, so a list of 100
cases translated ~1,200 labels to show 100 of them — a third of the case list's time over the API
(`python -m bench caselist`). `install()` (CoreConfig.ready) gives every choice field of the platform's models a
`get_<field>_display()` that keeps the table per field (made again if the field's choices are replaced) and
translates only the label it returns. What it returns is what Django's returns, in the language active at the call.
"""

from __future__ import annotations

from functools import partialmethod

from django.apps import apps
from django.utils.encoding import force_str
from django.utils.hashable import make_hashable


def label(field, value):
    """The label of `value` among the field's choices (the value itself when it is none of them), as
    `get_<field>_display()` gives it — for rows read as values, without a model instance."""
    kept = field.__dict__.get("_zw_labels")
    if kept is None or kept[0] is not field.choices:
        kept = field.__dict__["_zw_labels"] = (field.choices, dict(make_hashable(field.flatchoices)))
    return force_str(kept[1].get(make_hashable(value), value), strings_only=True)


def _display(self, field):
    return label(field, getattr(self, field.attname))


def install(prefix: str = "zhengwu.") -> int:
    """Every concrete choice field of the models of apps under `prefix` whose display method is Django's own (not
    one a model defines itself) gets the kept table; returns how many."""
    done = 0
    for model in apps.get_models():
        if not model.__module__.startswith(prefix):
            continue
        for field in model._meta.concrete_fields:
            name = f"get_{field.name}_display"
            if not field.choices or not isinstance(model.__dict__.get(name), partialmethod):
                continue
            setattr(model, name, partialmethod(_display, field=field))
            done += 1
    return done
