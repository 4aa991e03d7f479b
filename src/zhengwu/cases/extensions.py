"""Extension points other domains register with (in their AppConfig.ready), so cases never imports them.

- `delivery_gates`: callables `(case) -> str | None`; a message refuses delivering the result (送达), e.g. fees
  unpaid (统一收费: the result waits for payment unless the item says payment follows delivery).
- `portal_panels`: callables `(request, case) -> str` (safe HTML) shown on the applicant's case page, e.g. the
  payment notice (缴款通知书).
- `workbench_panels`: the same on the staff case page, e.g. issuing the payment notice.
- `fee_states`: callables `(case) -> dict | None`: where the case's payment notice stands (待缴费, 已缴费, 已退费 …),
  so the case's status block and messages never call a fee charged before it is paid. Asked only for a case whose
  charges name a notice. The dict: code, state, label, total, due_on, receipt, refunded (strings or None) and
  collected: [{name, amount}] — the lines actually paid (empty until paid, and once wholly refunded).
- `dispatch_states`: callables `(case) -> dict | None`: where the result sent by post or carried home stands
  (state: posted | delivered | returned, label, carrier, tracking_number, at), so what the applicant does next
  follows the way the result reaches them.
- `delivery_choosers`: callables `(case, method, address, reason, by) -> case`: records the applicant's choice of how
  the result reaches them (结果送达方式, the hall's), checked and audited there; a domain that makes cases for an
  applicant (a 一件事's member cases) records the choice through `choose_delivery` without importing the hall.
- `intake_owners`: callables `(case) -> str | None`: a message when another flow owns the case's intake (a member case
  of a 联办件 is accepted, told to supply, refused and registered supplied only through the joint actions, 行政许可法
  第二十六条、第三十二条); the single-case accept/supplement/refuse/supply rules then refuse (and the buttons hide).
  That flow acts on the case inside `acting_for_intake_owner()`.
- `intake_owned_filters`: callables `() -> Q` on Case: the same cases as `intake_owners`, as a query, so the
  single-case intake queues (待受理, the intake part of 已超期) leave them out — their flow lists them instead.
- `application_checks`: callables `(case, prefer="") -> DomainError | None`: a refusal of the application as it stands,
  asked by submit_case before the case gets its number (nothing is written then), at the field it concerns
  (`form.<key>`, `material_<position>`) — e.g. a change (变更) or renewal (延续) of a licence whose validity has ended
  (行政许可法 第五十条). `prefer`: the record the applicant came to use (the licence a renewal link names, as
  cases.library's `prefer`).
- `grant_gates`: callables `(case) -> DomainError | None`: a refusal of a grant (准予) of the case, asked by decide_case
  before anything is written (a denial is not asked) — e.g. the licence the case changes expired since it was
  submitted.
- `timeline_sources`: callables `(case, public) -> list[dict]`: rows added to the case's 办理经过 (at, action,
  label, status, organisation, and note for staff), e.g. the result posted with its tracking number.
"""

from collections.abc import Callable
from contextlib import contextmanager
from contextvars import ContextVar

from django.db.models import Q

delivery_gates: list[Callable] = []
portal_panels: list[Callable] = []
workbench_panels: list[Callable] = []
fee_states: list[Callable] = []
dispatch_states: list[Callable] = []
timeline_sources: list[Callable] = []
delivery_choosers: list[Callable] = []
intake_owners: list[Callable] = []
intake_owned_filters: list[Callable] = []
application_checks: list[Callable] = []
grant_gates: list[Callable] = []

_OWNER_ACTING: ContextVar[bool] = ContextVar("zhengwu_intake_owner_acting", default=False)


@contextmanager
def acting_for_intake_owner():
    """The flow that owns a case's intake (the joint actions) takes the single-case intake action itself."""
    token = _OWNER_ACTING.set(True)
    try:
        yield
    finally:
        _OWNER_ACTING.reset(token)


def intake_owner(case) -> str | None:
    """Why the case's intake is another flow's (a message naming it), or None."""
    if _OWNER_ACTING.get():
        return None
    for owner in intake_owners:
        found = owner(case)
        if found:
            return found
    return None


def intake_owned_q() -> Q | None:
    """The cases whose intake another flow owns (`intake_owned_filters`, OR-ed), or None when no flow claims any."""
    found = None
    for owned in intake_owned_filters:
        q = owned()
        found = q if found is None else found | q
    return found


def choose_delivery(case, *, method: str, address: str = "", reason: str = "", by):
    """The applicant's 结果送达方式 for `case`, recorded by whichever domain keeps it (the hall)."""
    for chooser in delivery_choosers:
        return chooser(case=case, method=method, address=address, reason=reason, by=by)
    raise LookupError("no domain records the result's delivery (zhengwu.hall is not installed)")


def dispatch_state(case) -> dict | None:
    for state in dispatch_states:
        found = state(case)
        if found is not None:
            return found
    return None


def timeline_rows(case, *, public: bool) -> list[dict]:
    return [row for source in timeline_sources for row in source(case, public)]


def fee_state(case) -> dict | None:
    for state in fee_states:
        found = state(case)
        if found is not None:
            return found
    return None


def delivery_refusal(case) -> str | None:
    for gate in delivery_gates:
        message = gate(case)
        if message:
            return message
    return None


def panels(request, case) -> list[str]:
    return [html for html in (panel(request, case) for panel in portal_panels) if html]


def workbench_panels_for(request, case) -> list[str]:
    return [html for html in (panel(request, case) for panel in workbench_panels) if html]


def application_refusal(case, prefer: str = ""):
    """The first refusal of `application_checks` for the case as it is about to be submitted, or None."""
    for check in application_checks:
        if (refused := check(case, prefer=prefer)) is not None:
            return refused
    return None


def grant_refusal(case):
    """The first refusal of `grant_gates` for a grant of the case, or None."""
    for gate in grant_gates:
        if (refused := gate(case)) is not None:
            return refused
    return None
