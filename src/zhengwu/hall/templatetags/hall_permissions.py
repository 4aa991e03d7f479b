"""The hall's rules for its templates: `{% load hall_permissions %}{% if request.user|books_for_callers %}`."""

from django import template

from zhengwu.hall import permissions

register = template.Library()


@register.filter
def books_for_callers(user) -> bool:
    """代为预约's tab: shown exactly to those hall.permissions lets book for a caller."""
    return permissions.may_book_for_callers(user)
