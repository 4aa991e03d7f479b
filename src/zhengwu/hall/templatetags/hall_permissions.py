"""The hall's rules for its templates: `{% load hall_permissions %}{% if request.user|books_for_callers %}`."""

from django import template

from zhengwu.hall import permissions

register = template.Library()


@register.filter
def books_for_callers(user) -> bool:
    """代为预约's tab: shown exactly to those hall.permissions lets book for a caller."""
    return permissions.may_book_for_callers(user)


@register.filter
def takes_at_desk(user) -> bool:
    """导服台取号's tab: the hall's workers (hall.permissions.desk_refusal), not the supervisors who watch it."""
    return permissions.may_take_at_desk(user)


@register.filter
def keeps_hall(user, centre=None) -> bool:
    """The hall settings' tabs (预约时段规则, 办公时间, 超时提醒人): for the centre's keepers (hall.permissions) — of
    the page's centre when it names one, else of any centre."""
    if centre is None or centre == "":
        return permissions.keeps_halls(user)
    return permissions.centre_refusal(user, centre, "hours") is None


@register.filter
def delivers(user) -> bool:
    """结果送达's tab: window clerks and centre managers (hall.permissions.deliverer_refusal)."""
    return permissions.may_deliver(user)
