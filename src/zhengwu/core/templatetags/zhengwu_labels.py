"""Template filters that show what a person reads instead of a stored code: {% load zhengwu_labels %}
{{ event.actor_label|actor }} (系统定时任务, not "zhengwu scheduled"); {{ file.content_type|file_kind }} (PDF, not
"application/pdf")."""

from django import template

from zhengwu.core.actors import actor_name
from zhengwu.core.files import KINDS

register = template.Library()

register.filter("actor", actor_name)


@register.filter("file_kind")
def file_kind(content_type: str) -> str:
    """A file's kind as people call it (PDF, Word, JPEG …); an unknown type as stored."""
    kind = KINDS.get(content_type or "")
    return kind.label if kind else content_type
