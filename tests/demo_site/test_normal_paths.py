"""The ordinary path of every demo item trips no supervision rule: received and accepted at the item's window by a
window clerk, each step taken by the role and organisation the item names, the decision made at its decision step,
the certificate made after it, the result delivered and the case completed — and not one alert raised.

The whole demo is loaded as `zhengwu demo` loads it (shared with the crawler, tests/demo_site/conftest.py); each
item's people are made on the way: a window clerk of the item's organisation at the item's first window (the centre's
general-window clerk where the item names none), an approver and a head of the organisation."""

import datetime as dt

from django.db import connection

from tests.factories import make_staff, paper_checklist
from zhengwu.cases import forms, services
from zhengwu.cases.models import Applicant, Case, CaseStep, Status
from zhengwu.catalog.models import ServiceItem
from zhengwu.core import clock, ids
from zhengwu.core.models import Role, Staff
from zhengwu.supervision.models import Alert

MOMENT = dt.datetime(2026, 11, 18, 10, 0, tzinfo=clock.LOCAL)  # a working Wednesday, far from any holiday


class People:
    """Who works an item: made once per organisation and role, each clerk at the item's window."""

    def __init__(self):
        self.made: dict[tuple, object] = {}
        self.general_clerk = Staff.objects.get(user__username="clerk").user  # 政务服务办, 综合窗口 1
        self.centre_manager = Staff.objects.get(user__username="manager").user

    def _person(self, organisation, role, window=None):
        key = (organisation.pk, role, window.pk if window else None)
        if key not in self.made:
            n = len(self.made) + 1
            self.made[key] = make_staff(
                f"p{n}", organisation, roles=[role], window=window, name=f"{organisation.short_name}{n}号"
            ).user
        return self.made[key]

    def clerk(self, item):
        windows = list(item.current_version.windows.order_by("centre__name", "number"))
        if not windows:
            return self.general_clerk  # no window named: the centre's general windows take it (一窗受理)
        return self._person(item.organisation, Role.WINDOW_CLERK, windows[0])

    def for_step(self, item, step):
        if step.role == Role.CENTRE_MANAGER:
            return self.centre_manager
        if step.role == Role.WINDOW_CLERK:
            clerk = self.clerk(item)
            return (
                clerk if clerk != self.general_clerk else self._person(item.organisation, Role.WINDOW_CLERK)
            )
        return self._person(item.organisation, step.role)


def applicant() -> Applicant:
    return services.register_applicant(
        kind="legal",
        name="贵溪市正常办事有限公司",
        id_number=ids.make_uscc("9", "1", "360681", "MA35X7Q3"),
        legal_representative="王正",
        phone="13900139001",
    )


def filled_form(version) -> dict:
    """The item's application form filled in as an applicant would (every field, within its rules)."""
    values = {}
    for key, rule in forms.schema_of(version).get("properties", {}).items():
        kind = rule.get("type")
        if rule.get("enum"):
            values[key] = rule["enum"][0]
        elif kind == "boolean":
            values[key] = True
        elif kind in ("integer", "number"):
            values[key] = max(1, rule.get("minimum", 1))
        elif rule.get("format") == "date":
            values[key] = clock.today().isoformat()  # not before today (拟开业日期)
        elif rule.get("format") == "phone":
            values[key] = "13900139001"
        else:
            text = f"申请{version.name}"
            text *= (
                rule.get("minLength", 0) // len(text) + 1
            )  # long enough for its minLength (不动产单元号 28)
            values[key] = text[: rule.get("maxLength", 200)]
    return values


def handle(item, people: People, company: Applicant) -> Case:
    """The item's ordinary path, through the services, as its people would take it."""
    clerk = people.clerk(item)
    case = services.submit_case(
        item=item,
        applicant=company,
        by=clerk,
        channel="counter",
        window=clerk.staff.window,
        form=filled_form(item.current_version),
    )
    if item.current_version.instant:
        if clerk.staff.organisation_id == item.organisation_id:
            case = services.handle_instantly(case=case, paper=paper_checklist(case), by=clerk)
            if case.status == Status.DECIDED:
                # 统一收费 at the counter: decided on the spot, the notice issued and paid, then the result handed over
                from zhengwu.fees import services as fees
                from zhengwu.fees import simulator

                codes = [f.code for f in item.current_version.fees.all() if f.code]
                simulator.pay(fees.issue_notice(case=case, by=clerk, only=codes))
                services.deliver_result(case=case, by=clerk, method="window")
                case = services.complete_case(case=case, by=clerk)
            return case
        # received at a general window: the organisation's own officer decides it on the spot
        services.accept_case(case=case, paper=paper_checklist(case), by=clerk)
        officer = people.for_step(item, CaseStep(role=Role.WINDOW_CLERK))
        services.decide_case(case=case, by=officer, grant=True, reasons="当场办结")
        services.deliver_result(case=case, by=clerk, method="window")
        return services.complete_case(case=case, by=clerk)
    services.accept_case(case=case, paper=paper_checklist(case), by=clerk)
    if item.current_version.fees.exclude(code="").exists():
        # 统一收费: fees from the fee catalogue are charged by a payment notice and paid before the result goes out
        from zhengwu.fees import services as fees
        from zhengwu.fees import simulator

        officer = people.for_step(item, CaseStep(role=Role.WINDOW_CLERK))
        simulator.pay(fees.issue_notice(case=case, by=officer, only=[item.current_version.fees.first().code]))
    while (step := case.steps.filter(state=CaseStep.State.OPEN).first()) is not None:
        worker = people.for_step(item, step)
        services.claim_step(case=case, by=worker)
        if step.kind == "decide":
            services.decide_case(case=case, by=worker, grant=True, reasons="符合法定条件和标准")
        elif step.kind == "deliver":
            break
        else:
            services.complete_step(case=case, by=worker, opinion=f"{step.name}:符合要求")
    open_step = case.steps.filter(state=CaseStep.State.OPEN).first()
    deliverer = people.for_step(item, open_step) if open_step else clerk
    services.deliver_result(case=case, by=deliverer, method="window")
    services.complete_case(case=case, by=clerk)
    return case


def one_of_each_path(items: list) -> list:
    """One item of each kind of path (how it is handled at the counter, whether a fee is charged, its steps' kinds and
    roles, whether a window is named): on PostgreSQL the engine's part (locks, numbers, the clock's reads) is the same
    for every item of a kind, and every item's own path is walked in the SQLite run."""
    kept, seen = [], set()
    for item in items:
        version = item.current_version
        shape = (
            version.instant,
            version.window_authorised,
            version.windows.exists(),
            version.fees.exclude(code="").exists(),
            tuple(version.steps.order_by("position").values_list("kind", "role")),
        )
        if shape not in seen:
            seen.add(shape)
            kept.append(item)
    return kept


def test_every_demo_items_ordinary_path_raises_no_alert(demo_site):
    items = list(
        ServiceItem.objects.filter(status=ServiceItem.Status.ACTIVE, organisation__isnull=False)
        .select_related("organisation", "organisation__region", "current_version")
        .order_by("code")
    )
    assert len(items) > 150
    if connection.vendor != "sqlite":
        items = one_of_each_path(items)
    people, company = People(), applicant()
    raised, ours = {}, []
    with clock.frozen(MOMENT):
        for item in items:
            case = handle(item, people, company)
            ours.append(case.pk)
            assert case.status == Status.COMPLETED, item.current_version.name
            alerts = list(Alert.objects.filter(case=case).values_list("title", "explanation"))
            if alerts:
                raised[f"{item.organisation.short_name} {item.current_version.name}"] = alerts
    assert raised == {}
    decided_by_window = Case.objects.filter(
        pk__in=ours, events__action="decide", events__actor__staff__window__isnull=False
    )
    assert (
        not decided_by_window.exclude(version__window_authorised=True).exclude(version__instant=True).exists()
    )
