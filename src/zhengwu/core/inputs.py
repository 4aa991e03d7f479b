"""Free text a person typed into a service: trimmed, required or not, at most so many characters — refused with a
Chinese message naming the field. One definition for every domain's services (cases, tickets, supervision,
evaluation)."""

from django.utils.translation import gettext as _

from zhengwu.core.errors import ValidationFailed


def text(value, *, field: str, label: str, max_length: int | None = 2000, required: bool = True) -> str:
    """`value` trimmed; ValidationFailed on `field` when required and empty, or longer than `max_length`."""
    value = str(value or "").strip()
    if required and not value:
        raise ValidationFailed(_("请填写%(label)s") % {"label": label}, field=field)
    if max_length and len(value) > max_length:
        raise ValidationFailed(
            _("%(label)s最长 %(max_length)s 个字,现有 %(length)s 个字")
            % {"label": label, "max_length": max_length, "length": len(value)},
            field=field,
        )
    return value
