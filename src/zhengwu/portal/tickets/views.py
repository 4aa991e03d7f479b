"""Public pages of 政民互动: file a matter, track it, rate the reply, read the mailbox and the FAQ."""

from django.shortcuts import redirect, render

from zhengwu.cases import selectors as case_selectors
from zhengwu.core import ratelimit
from zhengwu.core.errors import DomainError, ValidationFailed
from zhengwu.portal.tickets.forms import FollowUpForm, PublicTicketForm, TrackForm
from zhengwu.tickets import selectors, services
from zhengwu.tickets.models import Channel, Status

HOTLINE = "12345"


def index(request):
    return render(
        request,
        "tickets/portal/index.html",
        {"faq": selectors.faq(limit=8), "published": selectors.published_tickets()[:8], "hotline": HOTLINE},
    )


def new(request):
    """The public form; a report may be anonymous, and every filer gets a number and a query code."""
    initial = {"kind": request.GET.get("kind", "consult")}
    account = case_selectors.applicant_of(request.user)
    if account is not None:  # a signed-in citizen or company is not asked again for what their account says
        initial |= {"caller_name": account.name, "caller_phone": account.phone}
    form = PublicTicketForm(request.POST or None, initial=initial)
    if request.method == "POST":
        try:
            ratelimit.limit(request, group="tickets.portal_new", rate="5/m")
            if form.is_valid():
                d = form.cleaned_data
                ticket = services.file_ticket(
                    kind=d["kind"],
                    channel=Channel.MAILBOX if d["mailbox"] else Channel.PORTAL,
                    category=d["category"],
                    title=d["title"],
                    content=d["content"],
                    address=d["address"],
                    caller_name=d["caller_name"],
                    caller_phone=d["caller_phone"],
                    anonymous=d["anonymous"],
                    public_allowed=d["public_allowed"],
                    mailbox=d["mailbox"],
                )
                # POST/redirect/GET: reloading the page that says 已提交 shows it again instead of filing a second
                # ticket (a stranger's reload filed two)
                request.session[FILED_KEY] = [ticket.number, ticket.query_code]
                return redirect("portal_tickets:filed")
        except DomainError as err:
            form.add_error(err.field if err.field in form.fields else None, err.message)
    return render(request, "tickets/portal/new.html", {"form": form})


FILED_KEY = "tickets.filed"


def filed(request):
    """The ticket this browser just filed, with its number and query code; anyone else is sent to the form."""
    number, code = request.session.get(FILED_KEY) or ("", "")
    try:
        ticket = selectors.track(number, code)
    except DomainError:
        return redirect("portal_tickets:new")
    return render(request, "tickets/portal/filed.html", {"ticket": ticket})


def track(request):
    """Progress by number and query code; once answered, the citizen says whether it was solved."""
    data = request.POST if request.method == "POST" else (request.GET if "number" in request.GET else None)
    form = TrackForm(data)
    ticket = None
    if data is not None:
        try:
            ratelimit.limit(request, group="tickets.track", rate="30/m")
            if form.is_valid():
                ticket = selectors.track(form.cleaned_data["number"], form.cleaned_data["code"])
                if request.method == "POST" and FollowUpForm.posted(request.POST):
                    follow_up = FollowUpForm(request.POST)
                    if not follow_up.is_valid():
                        raise ValidationFailed(next(iter(follow_up.errors.values()))[0])
                    ticket = services.record_follow_up(ticket=ticket, **follow_up.cleaned_data)
        except DomainError as err:
            form.add_error(err.field if err.field in form.fields else None, err.message)
    shown = (
        ticket.merged_into if ticket and ticket.status == Status.MERGED and ticket.merged_into_id else ticket
    )
    return render(
        request,
        "tickets/portal/track.html",
        {
            "form": form,
            "ticket": ticket,
            "shown": shown,
            "steps": selectors.citizen_steps(ticket) if ticket else [],
            "can_follow_up": shown is not None and shown.status == Status.REPLIED and shown == ticket,
        },
    )


def mailbox(request):
    return render(request, "tickets/portal/mailbox.html", {"tickets": selectors.published_tickets()[:100]})


def faq(request):
    return render(request, "tickets/portal/faq.html", {"entries": selectors.faq(limit=50)})
