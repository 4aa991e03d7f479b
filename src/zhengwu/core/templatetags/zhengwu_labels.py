"""Template filters that show what a person reads instead of a stored code: {% load zhengwu_labels %}
{{ event.actor_label|actor }} (系统定时任务, not "zhengwu scheduled")."""

from django import template

from zhengwu.core.actors import actor_name

register = template.Library()

register.filter("actor", actor_name)
