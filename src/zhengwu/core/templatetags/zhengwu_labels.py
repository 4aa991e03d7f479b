"""Template filters that show what a person reads instead of a stored code: {% load zhengwu_labels %}
{{ event.actor_label|actor }} (系统定时任务, not "zhengwu scheduled"); {{ file.content_type|file_kind }} (PDF, not
"application/pdf")."""

from django import template

from zhengwu.core.actors import actor_name
from zhengwu.core.files import KINDS

register = template.Library()

register.filter("actor", actor_name)


@register.filter
def file_kind(content_type: str) -> str:
    """{{ file.content_type|file_kind }}: 「PDF」, 「JPEG」, 「Word」 — not 「application/pdf」."""
    kind = KINDS.get(str(content_type or ""))
    return kind.label if kind else str(content_type or "")
