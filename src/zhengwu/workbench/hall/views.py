"""Staff hall pages: the overview (queue now, today's figures, the windows), the window terminal (叫号), the
information desk (取号 with 绿色通道, check-in by booking code) and booking for callers (hotline operator).
Supervisors (电子监察) open the overview and the wait warnings read-only; every page that acts asks hall.permissions
(or hall.queue's terminal rule) and refuses them with the reason."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from zhengwu.core import access, clock
from zhengwu.core.errors import AccessDenied, DomainError, NotFound
from zhengwu.core.masking import mask_name, mask_phone
from zhengwu.core.models import Role
from zhengwu.hall import permissions as hall_permissions
from zhengwu.hall import queue, selectors, services
from zhengwu.hall.forms import ActionForm, BookingStepsForm, CheckinForm, RecordId
from zhengwu.hall.models import BookingChannel, QueueNumber, QueueSource
from zhengwu.hall.services import GREEN_REASONS
from zhengwu.workbench.hall import forms
from zhengwu.workbench.pages import staff_page

# the weekdays a slot rule may run on, Monday (1) first
WEEKDAY_CHOICES = (
    gettext_lazy("周一"),
    gettext_lazy("周二"),
    gettext_lazy("周三"),
    gettext_lazy("周四"),
    gettext_lazy("周五"),
    gettext_lazy("周六"),
    gettext_lazy("周日"),
)


# the hall's pages: window staff, centre managers, hotline operators and supervisors (workbench.pages, the one gate);
# what each page lets them do is hall.permissions' question, asked by the page
_staff = staff_page(roles=hall_permissions.HALL_VIEWERS)


def _centre(request):
    """The staff member's hall (selectors.staff_centre)."""
    centre = selectors.staff_centre(request.user, request.staff)
    if centre is None:
        raise NotFound(_("您所在的地区没有服务中心"))
    return centre


@_staff
def index(request):
    """大厅概况 of the person's hall, or of another hall they see (`?centre=`: a city's supervisor or manager watches
    each county's)."""
    from zhengwu.hall import measures

    halls = list(selectors.watched_centres(request.user))
    if chosen := RecordId().clean(request.GET.get("centre")):
        centre = next((c for c in halls if c.pk == chosen), None)
        if centre is None:
            raise NotFound(_("找不到该服务中心,或不在您的查看范围内"))
    else:
        centre = _centre(request)

    return render(
        request,
        "hall/workbench/index.html",
        {
            "centre": centre,
            "queues": selectors.queue_now(centre, upcoming=True),
            "today": measures.today(centre),
            "state": selectors.hall_state(centre),
            "windows": selectors.window_status(centre),
            "halls": halls if len(halls) > 1 else [],
        },
    )


@_staff
def rules(request):
    """预约时段规则: the centre manager changes a rule's hours, slot length, places, weekdays or switches it off; the
    future slots follow at once (services.change_rule: free slots that no longer fit removed, booked ones kept and
    their holders told by SMS)."""
    centre = _centre(request)
    if refused := hall_permissions.centre_refusal(request.user, centre, "rules"):
        raise refused
    rows = selectors.slot_rules(centre)
    error, error_rule, form = None, None, None
    if request.method == "POST":
        form = forms.RuleForm(request.POST, rules=rows)
        if not form.is_valid() and "rule" in form.errors:
            raise Http404(_("找不到该规则"))
        rule = form.cleaned_data["rule"]
        try:
            form.check()
            result = services.change_rule(rule=rule, by=request.user, **form.changes())
        except DomainError as err:
            error, error_rule = err, rule.pk
        else:
            messages.success(
                request,
                _(
                    "已修改「%(group)s」的预约时段:新增 %(added)s 个,删除 %(removed)s 个;"
                    "%(kept)s 个已有预约的时段保留,已短信告知 %(told)s 人改约方式。"
                )
                % {
                    "group": rule.group.name,
                    "added": result["added"],
                    "removed": result["removed"],
                    "kept": result["kept"],
                    "told": result["told"],
                },
            )
            return redirect("workbench_hall:rules")
    return render(
        request,
        "hall/workbench/rules.html",
        {
            "centre": centre,
            "rules": rows,
            "error": error,
            "error_rule": error_rule,
            "post": form.data if form is not None else {},
            "posted_weekdays": form.posted_weekdays() if form is not None else "",
            "weekday_choices": [(str(n), name) for n, name in enumerate(WEEKDAY_CHOICES, start=1)],
        },
        status=422 if error else 200,
    )


@_staff
def hours(request):
    """办公时间: the centre manager sets the centre's office hours on working days, per season (夏季作息 from 5月1日,
    冬季作息 from 10月1日 …) and optionally per window group; numbers and ordinary booking slots follow them
    (services.set_opening_hours: one transaction, audited)."""
    from zhengwu.hall import slots as planning

    centre = _centre(request)
    if refused := hall_permissions.centre_refusal(request.user, centre, "hours"):
        raise refused
    groups = list(selectors.active_groups(centre))
    error = None
    if request.method == "POST":
        try:
            if ActionForm(request.POST).pressed() == "remove":
                form = forms.RemoveHoursForm(request.POST, rows=selectors.opening_hours(centre))
                form.check()
                row = form.cleaned_data["hours"]
                services.remove_opening_hours(hours=row, by=request.user)
                messages.success(request, _("已删除「%(name)s」。") % {"name": row.name})
            else:
                form = forms.HoursForm(request.POST, groups=selectors.active_groups(centre))
                form.check()
                done = services.set_opening_hours(centre=centre, by=request.user, **form.hours())
                messages.success(
                    request,
                    (
                        _(
                            "已保存「%(name)s」:%(hours)s。新增预约时段 %(added)s 个,移除空闲时段 %(removed)s 个,"
                            "已有预约的 %(kept)s 个时段保留。"
                        )
                        if done["kept"]
                        else _(
                            "已保存「%(name)s」:%(hours)s。新增预约时段 %(added)s 个,移除空闲时段 %(removed)s 个。"
                        )
                    )
                    % {
                        "name": done["hours"].name,
                        "hours": done["hours"].label,
                        "added": done["added"],
                        "removed": done["removed"],
                        "kept": done["kept"],
                    },
                )
            return redirect("workbench_hall:hours")
        except DomainError as err:
            error = err
    rows = selectors.opening_hours(centre)
    today = clock.today()
    return render(
        request,
        "hall/workbench/hours.html",
        {
            "centre": centre,
            "groups": groups,
            "rows": rows,
            "today_hours": planning.office_hours(list(rows), today),
            "today": today,
            "default_hours": planning.DEFAULT_HOURS,
            "error": error,
            "post": request.POST,
            "months": range(1, 13),
            "days": range(1, 32),
            "time_fields": services.HOURS_TIMES,
        },
        status=422 if error else 200,
    )


@_staff
def wait_recipients(request):
    """等候超时提醒人: the centre manager names the centre's duty manager and each window group's lead among the
    centre's active staff (services.set_wait_recipients: one transaction, audited); a long wait is told to them."""
    from zhengwu.core.errors import ValidationFailed
    from zhengwu.hall.forms import WaitRecipientsForm

    centre = _centre(request)
    if refused := hall_permissions.centre_refusal(request.user, centre, "recipients"):
        raise refused
    groups = selectors.active_groups(centre)
    form = WaitRecipientsForm(
        request.POST if request.method == "POST" else None,
        centre=centre,
        settings=services.hall_settings(centre),
        groups=groups,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.set_wait_recipients(centre=centre, by=request.user, **form.recipients())
        except ValidationFailed as err:
            form.add_error(err.field if err.field in form.fields else None, err.message)
        else:
            messages.success(request, _("已保存等候超时提醒人。"))
            return redirect("workbench_hall:recipients")
    return render(
        request,
        "hall/workbench/recipients.html",
        {"centre": centre, "form": form},
        status=422 if form.errors else 200,
    )


@_staff
def wait_notices(request):
    """等候超时提醒: the wait warnings sent to this person (the group's lead, the duty manager), to acknowledge."""
    return render(
        request,
        "hall/workbench/waits.html",
        {"notices": selectors.wait_notices(request.user)[:100]},
    )


@_staff
@require_POST
def wait_notice_read(request, notice_id: int):
    from zhengwu.hall import measures

    notice = selectors.own_wait_notice(request.user, notice_id)
    if notice is None:
        raise Http404(_("找不到该提醒"))
    measures.acknowledge(notice=notice, by=request.user)
    messages.success(request, _("已知悉。"))
    return redirect("workbench_hall:waits")


@_staff
def terminal(request):
    """The window's terminal: the number called to it, the buttons, and who waits for the window's groups."""
    window = request.staff.window
    if window is None:
        raise AccessDenied(_("您不在窗口,没有叫号终端"))
    groups = selectors.groups_at(window)
    current = queue.current_at(window)
    return render(
        request,
        "hall/workbench/terminal.html",
        {
            "window": window,
            "groups": groups,
            "current": current,
            "waiting": queue.waiting_in(groups),
            "others": selectors.active_groups(window.centre).exclude(pk__in=[g.pk for g in groups]),
            "booking_name": mask_name(current.booking.name) if current and current.booking_id else "",
            "done_today": selectors.done_today(window),
            "state": selectors.hall_state(window.centre),
        },
    )


TERMINAL_ACTIONS = ("next", "recall", "start", "finish", "absent", "transfer", "case")


@_staff
@require_POST
def terminal_act(request, action: str):
    window = request.staff.window
    if window is None:
        raise AccessDenied(_("您不在窗口,没有叫号终端"))
    if action not in TERMINAL_ACTIONS:
        raise Http404(_("没有这个操作"))
    form = forms.TerminalForm(request.POST, action=action)
    try:
        form.check()
        number = form.cleaned_data["number"]
        if action == "next":
            previous, called = queue.advance(window=window, by=request.user)
            if previous is not None and previous.state == QueueNumber.State.WAITING:
                messages.warning(
                    request, _("%(display)s 未到,已按过号处理,重新排队。") % {"display": previous.display}
                )
            elif previous is not None and previous.state == QueueNumber.State.ABSENT:
                messages.warning(
                    request,
                    _("%(display)s 未到,已按过号处理(再次过号,已作废)。") % {"display": previous.display},
                )
            if called is None:
                messages.info(request, _("当前没有等候的号码。"))
        elif action == "recall":
            again = queue.recall(number=number, by=request.user)
            messages.success(
                request,
                _("已重呼 %(number)s 到 %(window)s 号窗口:第 %(calls)s 次呼叫,%(time)s,大厅屏幕正在播报。")
                % {
                    "number": again.display,
                    "window": window.number,
                    "calls": again.calls,
                    "time": again.announced_at.astimezone(clock.LOCAL).strftime("%H:%M:%S"),
                },
            )
        elif action == "start":
            queue.start(number=number, by=request.user)
        elif action == "finish":
            queue.finish(number=number, by=request.user)
        elif action == "absent":
            gone = queue.absent(number=number, by=request.user)
            messages.info(
                request,
                (
                    _("%(number)s 过号,已重新排队。")
                    if gone.state == QueueNumber.State.WAITING
                    else _("%(number)s 再次过号,已作废。")
                )
                % {"number": gone.display},
            )
        elif action == "transfer":
            group = form.cleaned_data["group"]
            queue.transfer(number=number, group=group, by=request.user)
            messages.success(
                request,
                _("%(display)s 已转到「%(name)s」排队。") % {"display": number.display, "name": group.name},
            )
        elif action == "case":
            linked = queue.link_case(
                number=number, case_number=form.cleaned_data["case_number"], by=request.user
            )
            return redirect("workbench_cases:case", number=linked.case.number)
    except DomainError as err:
        if isinstance(err, (NotFound, AccessDenied)):
            raise
        messages.error(request, err.message)
    return redirect("workbench_hall:terminal")


@_staff
def desk(request):
    """The information desk (导服台): a walk-in's number for the item they need (事项 → the group that handles it,
    hall.items; chosen when several do) or, when they cannot say, for a group; 绿色通道 recorded; a booking checked
    in by its code."""
    from zhengwu.hall import items

    if refused := hall_permissions.desk_refusal(request.user):
        raise refused
    centre = _centre(request)
    groups = selectors.groups_of(centre)
    lookup = forms.DeskLookupForm(
        request.POST if request.method == "POST" else request.GET, centre=centre
    ).lookup()
    query, item = lookup["query"], lookup["item"]
    handling = items.groups_for(item, centre=centre) if item is not None else []
    found = items.find(query, centre=centre) if query and item is None else {"found": [], "in_text": False}
    taken, error, form = None, None, None
    if request.method == "POST":
        try:
            if ActionForm(request.POST).pressed() == "checkin":
                form = CheckinForm(request.POST)
                form.check()
                taken = queue.check_in_by_code(centre=centre, code=form.cleaned_data["code"], by=request.user)
            else:
                form = forms.DeskTakeForm(request.POST, item=item, handling=handling, groups=groups)
                form.check()
                taken = queue.take_number(
                    source=QueueSource.DESK, item=item, by=request.user, **form.cleaned_data
                )
            what = f"{items.label(taken.item)},{taken.group.name}" if taken.item_id else taken.group.name
            messages.success(
                request, _("已取号 %(display)s(%(what)s)。") % {"display": taken.display, "what": what}
            )
            # Post/Redirect/Get: the number is shown on the desk's page again, which a reload does not take anew
            return redirect(f"{reverse('workbench_hall:desk')}?taken={taken.pk}")
        except DomainError as err:
            messages.error(request, err.message)
            error = err
    elif shown := RecordId().clean(request.GET.get("taken")):
        taken = selectors.queue_number(shown, centre=centre)
    # after a refusal the desk's choices stay (绿色通道, phone): the clerk fixes the one field, not the whole form
    kept = form.data if form is not None and taken is None else {}
    return render(
        request,
        "hall/workbench/desk.html",
        {
            "error_field": getattr(error, "field", "") if error is not None else "",
            "kept_green": str(kept.get("green", "")),
            "kept_phone": str(kept.get("phone", ""))[:13],
            "centre": centre,
            "groups": groups,
            "green_reasons": GREEN_REASONS.items(),
            "taken": taken,
            "query": query,
            "found": found["found"],
            "found_in_text": found["in_text"],
            "item": item,
            "item_label": items.label(item),
            "handling": handling,
            "state": selectors.hall_state(centre),
        },
    )


@_staff
def book(request):
    """Booking for a caller (the hotline operator, or the centre's staff): the item the caller needs, the group that
    handles it at this centre (chosen when several do), day, slot, the caller's details."""

    if refused := hall_permissions.phone_booker_refusal(request.user):
        raise refused
    centre = _centre(request)
    steps = BookingStepsForm(request.POST if request.method == "POST" else request.GET).steps(centre=centre)
    group, day = steps["group"], steps["day"]
    error, made = None, None
    if request.method == "POST":
        form = forms.PhoneBookingForm(request.POST, steps=steps)
        try:
            form.check()
            made = services.book(channel=BookingChannel.HOTLINE, by=request.user, **form.cleaned_data)
        except DomainError as err:
            error = err
        else:
            messages.success(request, _("已为来电人预约,预约码 %(code)s,短信已发送。") % {"code": made.code})
            return redirect(f"{request.path}?item={steps['item'].pk}&group={group.pk}&day={day or ''}")
    upcoming = selectors.upcoming_bookings(centre)
    return render(
        request,
        "hall/workbench/book.html",
        {
            **steps,
            "centre": centre,
            "green_reasons": GREEN_REASONS.items(),
            "error": error,
            "post": request.POST,
            "upcoming": [{"b": b, "name": mask_name(b.name), "phone": mask_phone(b.phone)} for b in upcoming],
        },
    )


@_staff
def delivery_page(request):
    """送达: results to post or carry home (chosen by the applicants), posted ones to confirm or mark returned; a
    helper (帮办代办) recorded on a case by its number."""
    from zhengwu.hall import delivery

    if refused := hall_permissions.deliverer_refusal(request.user):
        raise refused
    centre = _centre(request)
    mine = selectors.centre_cases(centre)
    if request.method == "POST":
        action = ActionForm(request.POST).pressed()
        if action not in ("post", "confirm", "returned", "helper"):
            raise Http404(_("没有这个操作"))
        try:
            if action == "post":
                form = forms.PostForm(request.POST, cases=mine)
                form.check()
                case = form.cleaned_data["case"]
                if case is None:
                    raise NotFound(_("找不到该办件"))
                dispatch = delivery.post(
                    case=case,
                    tracking_number=form.cleaned_data["tracking_number"],
                    carrier=form.cleaned_data["carrier"],
                    by=request.user,
                )
                messages.success(
                    request,
                    _("%(number)s 已登记寄出 %(tracking_number)s。")
                    % {"number": case.number, "tracking_number": dispatch.tracking_number},
                )
            elif action in ("confirm", "returned"):
                form = forms.DispatchForm(request.POST, cases=mine)
                form.check()
                dispatch = form.cleaned_data["dispatch"]
                if dispatch is None:
                    raise NotFound(_("找不到该寄递记录"))
                if action == "confirm":
                    delivery.confirm(dispatch=dispatch, by=request.user)
                    messages.success(
                        request, _("%(number)s 已签收,办件已记录送达。") % {"number": dispatch.case.number}
                    )
                else:
                    delivery.returned(dispatch=dispatch, reason=form.cleaned_data["reason"], by=request.user)
                    messages.info(
                        request, _("%(number)s 已登记退回,可重新寄出。") % {"number": dispatch.case.number}
                    )
            else:
                form = forms.HelperForm(request.POST, cases=mine, staff=access.visible_staff(request.user))
                form.check()
                case, helper = form.cleaned_data["number"], form.cleaned_data["helper"]
                delivery.assign_helper(case=case, helper=helper.user, by=request.user)
                messages.success(
                    request,
                    _("%(number)s 的帮办代办人为 %(name)s。") % {"number": case.number, "name": helper.name},
                )
        except DomainError as err:
            if isinstance(err, (NotFound, AccessDenied)):
                raise
            messages.error(request, err.message)
        return redirect("workbench_hall:delivery")
    return _delivery_page(request, centre, mine)


POSTING_REASON = gettext_lazy(
    "寄递送达结果"
)  # the reveal's reason when the staff who post give none (one click)
ADDRESS_REFUSAL = gettext_lazy("只能查看本单位办件的送达地址:寄递由承办单位的窗口工作人员或中心管理人员登记")


def _may_see_address(request, case) -> bool:
    """The staff who post: window clerks and centre managers acting for the case's organisation, and the clerk at
    the window that received it (core.access.may_reveal_personal)."""
    return access.may_reveal_personal(
        request.user,
        organisations=[case.organisation],
        roles=(Role.WINDOW_CLERK, Role.CENTRE_MANAGER),
        window=case.window,
        overseers=(),
    )


def _delivery_page(request, centre, mine, *, revealed=None, reveal=None, status: int = 200):
    from zhengwu.cases.models import Delivery
    from zhengwu.core.masking import mask_address
    from zhengwu.hall import delivery, measures

    to_post = selectors.to_post(mine)
    posted = selectors.posted(mine)
    rows = []
    for c in to_post:
        shown = revealed is not None and c.pk == revealed.pk and reveal is not None and reveal.revealed
        rows.append(
            {
                "case": c,
                "name": c.applicant.name if shown else mask_name(c.applicant.name),
                "address": c.delivery_address if shown else mask_address(c.delivery_address),
                "revealed": shown,
                "may_reveal": _may_see_address(request, c),
                "may_post": (refused := hall_permissions.refusal(request.user, c, "post")) is None,
                # why not (the result not made yet, …), for those who post; nothing for those who may not
                "post_refused": refused.message if refused and not isinstance(refused, AccessDenied) else "",
                "reveal": reveal if revealed is not None and c.pk == revealed.pk else None,
            }
        )
    return render(
        request,
        "hall/workbench/delivery.html",
        {
            "centre": centre,
            "to_post": rows,
            "posted": posted,
            # the posted ones this person may confirm (签收) or mark returned (退回)
            "confirmable": {
                d.pk for d in posted if hall_permissions.refusal(request.user, d, "confirm") is None
            },
            "returnable": {
                d.pk for d in posted if hall_permissions.refusal(request.user, d, "returned") is None
            },
            "carriers": delivery.CARRIERS,
            "figures": measures.delivery_figures(cases=mine),
            "labels": dict(Delivery.choices),
            "helpers": access.visible_staff(request.user).filter(window__number="40")[:20]
            or access.visible_staff(request.user).filter(window__isnull=False)[:20],
        },
        status=status,
    )


@_staff
@require_POST
def reveal_address(request, case_id: int):
    """One click on the posting list shows the applicant's name and address in full for this answer, to write the
    waybill: the reason is optional (寄递送达结果 when none is given), the view audited as every reveal of personal
    data (core.personal.reveal → personal_data.view), and only for the cases of the clerk's own organisation."""
    from zhengwu.workbench.reveal import answer as reveal_answer

    if refused := hall_permissions.deliverer_refusal(request.user):
        raise refused
    centre = _centre(request)
    mine = selectors.centre_cases(centre)
    case = mine.select_related("applicant", "organisation", "window").filter(pk=case_id).first()
    if case is None:
        raise Http404(_("找不到该办件"))
    form = forms.RevealForm(request.POST)
    if not (form.is_valid() and form.cleaned_data["reason"].strip()):
        # the reason the reveal (workbench.reveal) reads from the request: the default when none is given
        given = request.POST.copy()
        given.setlist("reason", [str(POSTING_REASON)])
        request.POST = given

    def page(reveal, status):
        return _delivery_page(request, centre, mine, revealed=case, reveal=reveal, status=status)

    return reveal_answer(
        request,
        obj=case,
        fields=["applicant.name", "delivery_address"],
        may=_may_see_address(request, case),
        refusal=str(ADDRESS_REFUSAL),
        label=case.number,
        page=page,
    )
