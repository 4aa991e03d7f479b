"""Official notices (受理通知书, 补正材料通知书, 不予受理通知书, 准予 / 不予行政许可决定书) as PDF, and their public
verification. A notice's content is frozen in `essentials` when it is issued, so the PDF reads the same forever."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.utils.translation import gettext as _

from zhengwu.cases.models import Applicant, Case, Notice, ServeWay
from zhengwu.core import clock
from zhengwu.core.documents import qr_svg, render_pdf
from zhengwu.core.errors import NotFound
from zhengwu.core.masking import mask_name

_PREFIX = {
    Notice.Kind.ACCEPTANCE: "受",
    Notice.Kind.SUPPLEMENT: "补",
    Notice.Kind.REFUSAL: "不受",
    Notice.Kind.GRANT: "许",
    Notice.Kind.DENIAL: "不许",
}
VERIFY_PATH = "/verify/{token}"
_UNREAD = object()


def issue(case: Case, kind: str, *, handed_over: bool = False, **details) -> Notice:
    """Issue a notice on the case (inside the service's transaction) with what it says frozen. `handed_over`: the
    applicant (or their agent) stood at the counter and was handed it — served on the spot (当场送达), never queued
    for service on paper (cases.written)."""
    now = clock.now()
    organisation = case.organisation
    kinds = case.__dict__.get("_zw_notice_kinds", _UNREAD)  # read with the locked case (cases.records)
    if kinds is _UNREAD:
        count = case.notices.filter(kind=kind).count()
    else:
        count = (kinds or "").split(",").count(kind)
        case.__dict__["_zw_notice_kinds"] = f"{kinds},{kind}" if kinds else kind
    short = organisation.short_name or organisation.name
    suffix = f"-{count + 1}" if count else ""
    essentials = {
        "case_number": case.number,
        "item_name": case.version.full_name,
        "organisation": organisation.name,
        "organisation_phone": organisation.phone,
        "supervision_phone": organisation.supervision_phone or case.version.supervision_phone,
        "applicant_name": case.applicant.name,
        "agent_name": case.agent_name,
        "received_on": case.received_at and clock.local_date(case.received_at).isoformat(),
        "issued_on": clock.local_date(now).isoformat(),
        **details,
    }
    return Notice.objects.create(
        case=case,
        kind=kind,
        document_number=f"{short}{_PREFIX[kind]}字〔{clock.local_date(now).year}〕{case.number}{suffix}号",
        token=secrets.token_urlsafe(18)[:24],
        issued_at=now,
        essentials=essentials,
        # the event just recorded, whose messages told the applicant of it: if none reaches them, it goes on paper
        event_id=case.__dict__.pop("_zw_event_id", None),
        **({"served_on": clock.local_date(now), "served_way": ServeWay.ONSITE} if handed_over else {}),
    )


def verify_url(notice: Notice, *, base_url: str = "") -> str:
    base = base_url or getattr(settings, "ZHENGWU_PUBLIC_URL", "")
    return f"{base.rstrip('/')}{VERIFY_PATH.format(token=notice.token)}"


def render(notice: Notice, *, base_url: str = "", masked: bool = False) -> bytes:
    """The notice as a PDF with a QR code that opens its public verification page. `masked`: the people it names
    written as the verification page writes them (张*), for staff who may not see the case's personal data in full."""
    url = verify_url(notice, base_url=base_url)
    context = {
        "n": notice,
        "e": masked_essentials(notice) if masked else notice.essentials,
        "kind": notice.get_kind_display(),
        "qr": qr_svg(url),
        "verify": url,
    }
    return render_pdf("cases/notices/notice.html", context)


def masked_essentials(notice: Notice) -> dict:
    """The notice's essentials with the names of people masked: a natural person applicant's (a company's name is not
    personal data, cases.selectors.personal_fields) and the agent's."""
    e = dict(notice.essentials)
    if notice.case.applicant.kind == Applicant.Kind.NATURAL:
        e["applicant_name"] = mask_name(e.get("applicant_name"))
    e["agent_name"] = mask_name(e.get("agent_name"))
    return e


def filename(notice: Notice) -> str:
    return f"{notice.essentials.get('case_number', '')}-{notice.get_kind_display()}.pdf"


def by_token(token: str) -> Notice:
    notice = Notice.objects.select_related("case").filter(token=str(token)[:32]).first()
    if notice is None:
        raise NotFound(_("找不到该文书,请核对二维码或链接"), field="token")
    return notice


def public_view(notice: Notice) -> dict:
    """What the verification page shows: the notice's essentials, nothing personal beyond masked names."""
    e = notice.essentials
    return {
        "kind": notice.kind,
        "kind_label": notice.get_kind_display(),
        "document_number": notice.document_number,
        "issued_on": e.get("issued_on"),
        "case_number": e.get("case_number"),
        "item_name": e.get("item_name"),
        "organisation": e.get("organisation"),
        "applicant": mask_name(e.get("applicant_name")),
        "agent": mask_name(e.get("agent_name")),
        "accepted_on": e.get("accepted_on"),
        "promised_due": e.get("promised_due"),
        "decision": e.get("decision_label"),
        "result_name": e.get("result_name"),
        "current_status": notice.case.get_status_display(),
    }
