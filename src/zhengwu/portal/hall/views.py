"""Public hall pages: booking (signed-in citizens), the booking's own page from the SMS link (cancel, check in on
the phone), the number's page on the phone (how many ahead, the estimated wait), taking a number by the hall's QR
code, and the kiosk's touch page."""

from functools import wraps
from urllib.parse import quote

from django.contrib import messages
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from zhengwu.cases import selectors as case_selectors
from zhengwu.core import access, clock, ratelimit
from zhengwu.core.documents import qr_svg
from zhengwu.core.errors import DomainError, NotFound
from zhengwu.core.masking import mask_phone
from zhengwu.core.models import ServiceCentre
from zhengwu.hall import items, queue, selectors, services
from zhengwu.hall.forms import ActionForm, BookingStepsForm, CheckinForm
from zhengwu.hall.models import Booking, BookingChannel, QueueSource
from zhengwu.portal.hall import forms


def _applicant_required(view):
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not request.user.is_authenticated:
            # the sign-in page says why it is asked for: a booking is made under the person's real name
            messages.info(request, SIGN_IN_REASONS.get(view.__name__, SIGN_IN_REASONS["book"]))
            return redirect(f"{reverse('portal_cases:signin')}?next={quote(request.get_full_path())}")
        if access.staff_of(request.user) is not None:
            messages.info(
                request, _("您以工作人员身份登录。为来电群众预约请使用工作台「大厅」的「代为预约」。")
            )
            return redirect("workbench:home")
        request.applicant = case_selectors.applicant_of(request.user)
        if request.applicant is None:
            return render(request, "cases/portal/no_applicant.html", status=403)
        return view(request, *args, **kwargs)

    return wrapped


# What the sign-in page says to someone sent there from a hall page, by the page (its view's name).
SIGN_IN_REASONS = {
    "book": _lazy("预约需实名登录:预约以您的实名账号办理,登录后选择事项、日期和时段。"),
    "mine": _lazy("查看我的预约需实名登录。"),
    "delivery_choice": _lazy("选择办件结果送达方式需实名登录。"),
}


def index(request):
    """预约取号 on the portal: book a visit online (signing in with one's real name first), or take a number at the
    hall — by the QR code there, or on this site's page for that hall — and follow its queue on the screen."""
    return render(request, "hall/portal/index.html", {"centres": selectors.hall_centres()})


def _steps(request, *, centre=None) -> dict:
    """The booking steps (hall.items.booking_steps) from the page's query or form."""
    return BookingStepsForm(request.POST if request.method == "POST" else request.GET).steps(centre=centre)


@_applicant_required
def book(request):
    """Choose the item (事项) you need, then where (the groups that handle it, when several do), a day and a slot;
    the booking is made under the signed-in account."""
    applicant = request.applicant
    steps = _steps(request)
    error, typed = None, ""
    if request.method == "POST":
        form = forms.OnlineBookingForm(request.POST, steps=steps)
        form.is_valid()
        typed = form.cleaned_data.get("phone", "")  # shown again when refused
        try:
            ratelimit.limit(request, group="hall.book", rate="20/h", key="user")
            form.check()
            booking = services.book(
                slot=form.cleaned_data["slot"],
                item=form.cleaned_data["item"],
                channel=BookingChannel.ONLINE,
                name=applicant.name,
                id_number=applicant.id_number,
                phone=typed or applicant.phone,
                user=request.user,
                by=request.user,
            )
        except DomainError as err:
            error = err
        else:
            messages.success(
                request, _("预约成功,预约码 %(code)s。我们已发送短信提醒。") % {"code": booking.code}
            )
            return redirect("portal_hall:booking", token=booking.token)
    return render(
        request,
        "hall/portal/book.html",
        {
            **steps,
            "phone": typed or applicant.phone,
            "error": error,
            "mine": selectors.upcoming_bookings_of(request.user),
        },
        status=422 if error else 200,
    )


@_applicant_required
def mine(request):
    """我的预约: the signed-in person's bookings, coming ones first with a button to cancel, then the past ones."""
    if request.method == "POST":
        form = forms.CancelForm(request.POST, bookings=selectors.bookings_of(request.user))
        if not form.is_valid():
            raise Http404(_("找不到该预约"))
        found = form.cleaned_data["booking"]
        try:
            ratelimit.limit(request, group="hall.booking", rate="30/m")
            services.cancel(booking=found, by=request.user)
        except DomainError as err:
            messages.error(request, err.message)
        else:
            messages.success(request, _("预约 %(code)s 已取消,名额已释放。") % {"code": found.code})
        return redirect("portal_hall:mine")
    now = clock.now()
    rows = list(selectors.bookings_of(request.user)[:100])
    live = (Booking.State.BOOKED, Booking.State.CHECKED_IN)
    coming = sorted((b for b in rows if b.slot.end > now and b.state in live), key=lambda b: b.slot.start)
    past = [b for b in rows if b not in coming]
    return render(
        request,
        "hall/portal/mine.html",
        {"coming": [_booking_row(b, now) for b in coming], "past": [_booking_row(b, now) for b in past]},
    )


def _booking_row(b: Booking, now) -> dict:
    return {
        "booking": b,
        "when": selectors.slot_when(b.slot),
        "cancellable": b.state == Booking.State.BOOKED and b.slot.start > now,
    }


def booking(request, token: str):
    """The booking's page, reached from the SMS link: cancel it, or check in on the day and get a number."""
    try:
        found = services.by_token(token)
    except NotFound as err:
        raise Http404(err.message) from None
    if request.method == "POST":
        try:
            ratelimit.limit(request, group="hall.booking", rate="30/m")
            action = ActionForm(request.POST).pressed()
            if action == "cancel":
                services.cancel(booking=found, by=request.user)
                messages.success(request, _("预约已取消,名额已释放。"))
            elif action == "checkin":
                number = queue.check_in(booking=found, by=request.user)
                return redirect("portal_hall:number", token=number.token)
        except DomainError as err:
            messages.error(request, err.message)
        return redirect("portal_hall:booking", token=token)
    found.refresh_from_db()
    number = selectors.number_of_booking(found)
    slot = found.slot
    return render(
        request,
        "hall/portal/booking.html",
        {
            "booking": found,
            "slot": slot,
            "when": selectors.slot_when(slot),
            "phone": mask_phone(found.phone),
            "number": number,
            "today": clock.local_date(slot.start) == clock.today(),
        },
    )


def number(request, token: str):
    """The number on the phone: state, how many are ahead, the estimated wait; the page refreshes itself."""
    try:
        found = queue.by_token(token)
    except NotFound as err:
        raise Http404(err.message) from None
    progress = queue.progress(found)
    if request.GET.get("format") == "json":
        return JsonResponse(
            {
                "number": found.display,
                "state": found.state,
                "state_label": found.get_state_display(),
                "ahead": progress["ahead"],
                "minutes": progress["minutes"],
                "window": found.window.number if found.window else None,
            }
        )
    return render(
        request,
        "hall/portal/number.html",
        {"number": found, "progress": progress, "centre": found.group.centre},
    )


def take(request, centre_id: int):
    """Taking a number on the phone after scanning the hall's QR code."""
    centre = get_object_or_404(ServiceCentre, pk=centre_id)
    groups = selectors.groups_of(centre)
    error, typed = None, ""
    if request.method == "POST":
        form = forms.TakeForm(request.POST, groups=groups)
        form.is_valid()
        typed = form.cleaned_data.get("phone", "")  # shown again when refused
        try:
            ratelimit.limit(request, group="hall.take", rate="10/10m")
            form.check()
            found = queue.take_number(source=QueueSource.PHONE, **form.cleaned_data)
        except DomainError as err:
            error = err
        else:
            if getattr(found, "already_held", False):  # this phone already waits with it (queue.take_number)
                messages.info(
                    request,
                    _("该手机号已取得 %(number)s 号,仍在排队,无需重复取号") % {"number": found.display},
                )
            return redirect("portal_hall:number", token=found.token)
    # as on the kiosk: a group not giving numbers now says so, with when it opens, before anyone picks it
    state = selectors.hall_state(centre)
    rows = [{"group": g, "opens": state["closed_groups"].get(g.pk, "")} for g in groups]
    return render(
        request,
        "hall/portal/take.html",
        {"centre": centre, "groups": rows, "state": state, "error": error, "phone": typed},
    )


def _mode(request, name: str):
    """The kiosk's mode (large, book) or the slot touched, from its address or else its form."""
    return forms.KioskModeForm(request.GET).value(name) or forms.KioskModeForm(request.POST).value(name)


def _large(request) -> str:
    """大字模式: larger print for those who need it, kept through the kiosk's links, forms and redirects (no script)."""
    return "1" if _mode(request, "large") == "1" else ""


def _kiosk_page(request, centre, **context):
    large = _large(request)
    return render(
        request,
        "hall/portal/kiosk.html",
        {"centre": centre, "large": large, "keep": "?large=1" if large else "", **context},
    )


def kiosk(request, centre_id: int):
    """The self-service kiosk in the hall (touch screen, large text): take a number, check in with a booking code,
    or book for an item. What is taken or booked is shown on its own page (Post/Redirect/Get: kiosk_number,
    kiosk_booked), so a reload or a second tap on that page takes nothing."""
    centre = get_object_or_404(ServiceCentre, pk=centre_id)
    groups = selectors.groups_of(centre)
    error = None
    keep = "?large=1" if _large(request) else ""
    if request.method == "POST":
        try:
            ratelimit.limit(request, group="hall.kiosk", rate="120/m")
            action = ActionForm(request.POST).pressed()
            if action == "book":
                form = forms.KioskBookingForm(request.POST, steps=_steps(request, centre=centre))
                form.check()
                booked = services.book(channel=BookingChannel.KIOSK, **form.cleaned_data)
                return redirect(reverse("portal_hall:kiosk_booked", args=[centre.pk, booked.token]) + keep)
            if action == "checkin":
                form = CheckinForm(request.POST)
                form.check()
                taken = queue.check_in_by_code(centre=centre, code=form.cleaned_data["code"])
            else:
                form = forms.TakeForm(request.POST, groups=groups)
                form.check()
                taken = queue.take_number(group=form.cleaned_data["group"], source=QueueSource.KIOSK)
            return redirect(reverse("portal_hall:kiosk_number", args=[centre.pk, taken.token]) + keep)
        except DomainError as err:
            error = err
    booking = _mode(request, "book") == "1"
    waiting = {q["group"].pk: q["waiting"] for q in selectors.queue_now(centre)}
    state = selectors.hall_state(centre)
    context = {
        "state": state,
        # a group not giving numbers now (the hall closed, or the group outside its hours) is a disabled button
        "groups": [
            {
                "group": g,
                "waiting": waiting.get(g.pk, 0),
                "opens": state["closed_groups"].get(g.pk, ""),
                "closed": not state["open"] or g.pk in state["closed_groups"],
            }
            for g in groups
        ],
        "bookable": bool(selectors.bookable_groups(centre)),
        "error": error,
    }
    if booking:
        # 按事项预约: find the item, then where (when several groups handle it), the coming days with places (six),
        # the slots of the day chosen (the first of them at first)
        steps = _steps(request, centre=centre)
        days = [d for d in steps["days"] if d["places"] > 0][:6]
        if steps["group"] is not None and steps["day"] is None and days:
            steps = items.booking_steps(
                item_id=steps["item"].pk, group_id=steps["group"].pk, day=days[0]["day"], centre=centre
            )
        steps.update(found=steps["found"][:8], days=days)
        context.update(
            booking=True,
            kiosk=steps,
            chosen=forms.KioskModeForm(request.POST).value("slot"),
            post=request.POST,
        )
    return _kiosk_page(request, centre, **context)


# How long the kiosk shows what was taken or booked before it returns to its start for the next person.
KIOSK_RESULT_SECONDS = 30


def kiosk_number(request, centre_id: int, token: str):
    """The kiosk's ticket: the number taken (or given at check-in) big, the group, how many are ahead, and a QR code
    to follow it on the phone; back to the start by a button or by itself after KIOSK_RESULT_SECONDS. Only shows:
    a reload takes no other number."""
    centre = get_object_or_404(ServiceCentre, pk=centre_id)
    try:
        taken = queue.by_token(token)
    except NotFound as err:
        raise Http404(err.message) from None
    if taken.group.centre_id != centre.pk:
        raise Http404(_("找不到该排队号"))
    link = request.build_absolute_uri(reverse("portal_hall:number", args=[taken.token]))
    return _kiosk_page(
        request,
        centre,
        taken=taken,
        progress=queue.progress(taken),
        qr=qr_svg(link, scale=5),
        link=link,
        spoken=" ".join(taken.display),  # read out one character at a time: "A 0 0 1"
        back_seconds=KIOSK_RESULT_SECONDS,
    )


def kiosk_booked(request, centre_id: int, token: str):
    """The kiosk's answer to a booking made there: the booking code big, the group, the day and time, the item; back
    to the start as after a number. Only shows: a reload books nothing."""
    centre = get_object_or_404(ServiceCentre, pk=centre_id)
    try:
        booked = services.by_token(token)
    except NotFound as err:
        raise Http404(err.message) from None
    if booked.slot.group.centre_id != centre.pk:
        raise Http404(_("找不到该预约,请核对链接"))
    return _kiosk_page(
        request,
        centre,
        booked=booked,
        booked_when=selectors.slot_when(booked.slot),
        back_seconds=KIOSK_RESULT_SECONDS,
    )


def calls(request, centre_id: int):
    """The hall screen's calls (JSON): the newest first; the screen announces the ones it has not yet. With them the
    waiting per group, a paused group with when it opens again (暂停取号 · 今天 13:30 开放)."""
    centre = get_object_or_404(ServiceCentre, pk=centre_id)
    return JsonResponse(
        {
            "calls": selectors.calls(centre),
            # per group: how many wait, and a group outside its hours says so and when it opens again
            "waiting": selectors.screen_queues(centre),
        }
    )


@_applicant_required
def delivery_choice(request, number: str):
    """The applicant chooses (or changes) how to receive the result of their case: the same fields as when
    applying, each error on its field."""
    from zhengwu.hall import delivery
    from zhengwu.hall.forms import DeliveryForm

    try:
        case = case_selectors.case_for(request.user, number)
    except NotFound as err:
        raise Http404(err.message) from None
    form = DeliveryForm(
        request.POST or None,
        version=case.version,
        initial={"method": case.requested_delivery or "window", "address": case.delivery_address},
    )
    error = None
    if request.method == "POST" and form.check(id_number=case.applicant.id_number) and form.chosen:
        try:
            ratelimit.limit(request, group="hall.delivery", rate="20/h", key="user")
            delivery.choose(case=case, **form.choice(), by=request.user)
        except DomainError as err:
            if err.field in form.fields:
                form.add_error(err.field, err.message)
            else:
                error = err
        else:
            messages.success(
                request, _("已选择「%(delivery)s」。") % {"delivery": case.get_requested_delivery_display()}
            )
            return redirect("portal_cases:detail", number=case.number)
    elif request.method == "POST" and not form.errors:
        form.add_error("method", "请选择结果送达方式")
    return render(
        request,
        "hall/portal/delivery.html",
        {"case": case, "delivery": form, "error": error, "dispatches": case.hall_dispatches.all()},
        status=422 if (form.errors or error) else 200,
    )
