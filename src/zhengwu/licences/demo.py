"""The licence library of the demo county: a licence type for each licence result of the demo catalogue (issued by
the item's organisation), the licences the demo's grants issued, business licences the demo companies hold (as
shared by the provincial library: imported), one licence near its expiry (its renewal case pending), one revoked,
and an application whose 营业执照 was taken from the library instead of an upload. Dated from today, so the demo
makes sense whatever day it is loaded."""

from __future__ import annotations

import datetime as dt
import re

from django.contrib.auth import get_user_model
from django.db import transaction

from zhengwu.cases import library
from zhengwu.cases import selectors as case_selectors
from zhengwu.cases import services as cases
from zhengwu.cases.demo import DEMO_PREFIX, PEOPLE, Days, Moments, _applicant, _item
from zhengwu.cases.models import Case
from zhengwu.catalog.models import ItemVersion, ServiceItem
from zhengwu.core import access, clock
from zhengwu.core.context import acting_as
from zhengwu.licences import services
from zhengwu.licences.models import Licence, LicenceType, Status

DATA_ITEMS = [
    {"key": "subject", "label": "许可事项"},
    {"key": "legal_representative", "label": "法定代表人(负责人)"},
    {"key": "address", "label": "住所(经营场所)"},
]
REUSE_KEY = f"{DEMO_PREFIX}licence-reuse"


def _on_paper(applicant, item: ServiceItem, prefer: str = "") -> list[int]:
    """已收纸质件 at the counter's 收件 of a demo application waiting for acceptance: what the counter's checklist
    offers (cases.selectors.counter_paper_checklist), except what the library holds for the applicant — taken from
    it once the case is made (library.fill)."""
    version = item.current_version
    held = {p for p, offer in library.offers(applicant, version, prefer=prefer).items() if offer["licence"]}
    rows = case_selectors.counter_paper_checklist(version)
    return [row["position"] for row in rows if row["position"] not in held]


def _types() -> int:
    made = 0
    items = ServiceItem.objects.filter(
        current_version__result_kind=ItemVersion.ResultKind.LICENCE, organisation__isnull=False
    ).select_related("current_version", "organisation")
    by_name: dict[str, list[ServiceItem]] = {}
    for item in items.order_by("pk"):
        # "营业执照（变更后）" is the 营业执照 a change issues (换发); a result naming several documents is no type
        name = re.sub(r"[（(][^）)]*[）)]$", "", item.current_version.result_name.strip()).strip()
        if name and not any(mark in name for mark in "（(、"):
            by_name.setdefault(name, []).append(item)
    counters: dict[int, int] = {}
    for name, group in by_name.items():
        organisation = group[0].organisation
        counters[organisation.pk] = counters.get(organisation.pk, 0) + 1
        licence_type, created = LicenceType.objects.get_or_create(
            name=name,
            defaults={
                "code": f"{organisation.uscc}{counters[organisation.pk]:03d}",
                "data_items": DATA_ITEMS,
                "validity_years": 0 if name == "营业执照" else 5,
                "reminder_days": [] if name == "营业执照" else [90, 30, 7],  # 长期: nothing to remind of
                "material_names": ["营业执照"] if name == "营业执照" else [f"原{name}"],
                # a market entity holds one 营业执照; food, hygiene, drainage … licences go per premises
                "one_per_holder": name == "营业执照",
            },
        )
        if created:
            made += 1
            licence_type.organisations.add(organisation)
            licence_type.items.add(*group)
            renewal = next((i for i in group if "延续" in i.current_version.sub_name), None)
            if renewal is not None:  # 到期提醒 and 我的证照 link to applying for it
                licence_type.renewal_item = renewal
                licence_type.save(update_fields=["renewal_item"])
    return made + _estate_type()


# 《不动产权证书》 as the registry issues it. 《不动产登记暂行条例》第二十一条: "登记事项自记载于不动产登记簿时完成登记。
# 不动产登记机构完成登记,应当依法向申请人核发不动产权属证书或者登记证明。" The data items are those printed on the
# certificate (the form of 《不动产登记暂行条例实施细则》 and the 2015 national 样式, quoted from memory).
ESTATE_TYPE = "不动产权证书"
ESTATE_ITEMS = [
    {"key": "obligee", "label": "权利人"},
    {"key": "co_ownership", "label": "共有情况"},
    {"key": "location", "label": "坐落"},
    {"key": "unit_number", "label": "不动产单元号"},
    {"key": "right_type", "label": "权利类型"},
    {"key": "right_nature", "label": "权利性质"},
    {"key": "usage", "label": "用途"},
    {"key": "area", "label": "面积"},
    {"key": "term", "label": "使用期限"},
    {"key": "other", "label": "权利其他状况"},
]


def _estate_type() -> int:
    """The 不动产权证书, issued on the grant (登簿) of each registration whose result it is, whatever the item's
    result kind is recorded as (证件 in the catalogue); 长期 — the term of the land right is a data item, not the
    certificate's validity — so no expiry reminders."""
    # only items whose form records the property (不动产单元号 …): the certificate prints what the grant says
    items = [
        item
        for item in ServiceItem.objects.filter(
            current_version__result_name__startswith=ESTATE_TYPE, organisation__isnull=False
        ).select_related("current_version", "organisation")
        if "unit_number" in ((item.current_version.form_schema or {}).get("properties") or {})
    ]
    if not items or LicenceType.objects.filter(name=ESTATE_TYPE).exists():
        return 0
    organisation = items[0].organisation
    taken = LicenceType.objects.filter(code__startswith=organisation.uscc).count()
    licence_type = LicenceType.objects.create(
        name=ESTATE_TYPE,
        code=f"{organisation.uscc}{taken + 1:03d}",
        data_items=ESTATE_ITEMS,
        validity_years=0,
        reminder_days=[],
        material_names=[],  # a holder may hold several (one per property): never taken for a material unasked
    )
    licence_type.organisations.add(organisation)
    licence_type.items.add(*items)
    return 1


def load_demo_definitions() -> str:
    """The licence types, loaded (by `zhengwu demo`) right after the catalogue and before any domain's cases: every
    demo grant — the cases demo's, a joint case's members' — then issues its licence in its own decision, on the same
    path as a real grant."""
    if LicenceType.objects.exists():
        return ""
    with acting_as(label="zhengwu demo"), transaction.atomic():
        types = _types()
    return f"电子证照类型:{types} 种(演示办件准予时随决定签发证照)"


def _imported(
    key: str, type_name: str, *, years_ago: int, valid_until: dt.date | None, data: dict
) -> Licence:
    kind, name, number, _phone, rep = PEOPLE[key]
    licence_type = LicenceType.objects.get(name=type_name)
    issued_on = clock.today().replace(month=1, day=10) - dt.timedelta(days=365 * years_ago)
    if valid_until is not None and licence_type.validity_years:
        # issued the type's validity before it ends (食品经营许可证: 5 years), not an arbitrary day
        # (2022-01-01 to 2026-12-31); after a 29 February end it starts on 1 March
        years_before = valid_until.year - licence_type.validity_years
        try:
            issued_on = valid_until.replace(year=years_before) + dt.timedelta(days=1)
        except ValueError:
            issued_on = dt.date(years_before, 3, 1)
    with clock.frozen(dt.datetime.combine(issued_on, dt.time(10), tzinfo=clock.LOCAL)):
        licence = services._create(
            licence_type=licence_type,
            issuer=licence_type.organisations.first(),
            holder_kind=kind,
            holder_name=name,
            holder_id=number,
            data={"legal_representative": rep, "address": "江西省贵溪市花园街道", **data},
            valid_until=valid_until,
        )
    licence.source = "imported"
    licence.save(update_fields=["source"])
    return licence


def load_demo() -> str:  # noqa: C901 — one list of what the demo holds
    if Licence.objects.filter(source="imported").exists():
        return f"电子证照演示:已存在({Licence.objects.count()} 本证照),未重复载入"
    users = {u.username: u for u in get_user_model().objects.filter(username__in=["market", "head"])}
    if "market" not in users:
        return "电子证照演示:缺少演示县(先载入演示数据)"
    with acting_as(label="zhengwu demo"), transaction.atomic():
        types = _types()  # made by load_demo_definitions unless loaded on its own (tests)
        if not LicenceType.objects.filter(name="营业执照").exists():
            return f"电子证照演示:证照类型 {types} 种(演示事项中没有营业执照)"
        issued = Licence.objects.filter(case__isnull=False).count()
        held = 0
        for key, (kind, *_rest) in PEOPLE.items():
            if kind == "legal" and not Licence.objects.filter(
                holder_id=PEOPLE[key][2], type__name="营业执照"
            ):
                _imported(
                    key, "营业执照", years_ago=3, valid_until=None, data={"subject": "企业法人营业执照"}
                )
                held += 1
        # near expiry: 鸿远餐饮's food licence ends in 25 days; its renewal (延续) case is pending
        near = _imported(
            "hongyuan",
            "食品经营许可证",
            years_ago=5,
            valid_until=clock.today() + dt.timedelta(days=25),
            # its first shop; the second shop's application (below) states its own 经营场所
            data={"subject": "餐饮服务(热食类食品制售)", "address": "江西省贵溪市花园街道解放路 12 号"},
        )
        renewing = None
        if near.type.renewal_item is not None:
            with clock.frozen(Moments(Days(), "licence-renewal").at(2)):
                renewing = cases.submit_case(
                    item=near.type.renewal_item,
                    applicant=_applicant("hongyuan"),
                    by=users["market"],
                    form={"subject": "食品经营许可延续(餐饮服务)", "contact_name": "刘美玲",
                          "contact_phone": PEOPLE["hongyuan"][3]},
                    channel="counter",
                    window=access.staff_of(users["market"]).window,
                    idempotency_key=f"{DEMO_PREFIX}licence-renewal",
                    paper=_on_paper(_applicant("hongyuan"), near.type.renewal_item, prefer=near.identifier),
                )  # fmt: skip
                library.fill(renewing, users["market"], prefer=near.identifier)
        # revoked: 信江大药房's drug licence, by the bureau's head, with its legal basis
        drugs = _imported(
            "xinjiang", "药品经营许可证", years_ago=2, valid_until=None, data={"subject": "药品零售"}
        )
        if "head" in users:
            services.end(
                licence=drugs,
                by=users["head"],
                kind=Status.REVOKED,
                basis="《中华人民共和国药品管理法》第一百二十六条:未遵守药品经营质量管理规范,情节严重",
                document="贵市监药撤〔2026〕3号",
            )
        # an application whose 营业执照 came from the library, at the market-regulation window
        clerk = users["market"]
        # received on the last working day, in working hours, like every demo case
        with clock.frozen(Moments(Days(), "licence-reuse").at(1)):
            applicant = _applicant("hongyuan")
            item = _item("市场监管局", "食品经营许可", "新办")
            case = cases.submit_case(
                item=item,
                applicant=applicant,
                by=clerk,
                form={
                    "subject": "第二家门店申请食品经营许可(餐饮服务)",
                    "address": "江西省贵溪市雄石街道建设路 18 号",  # the second shop: its licence says so
                    "contact_name": "刘美玲",
                    "contact_phone": PEOPLE["hongyuan"][3],
                },
                channel="counter",
                window=access.staff_of(clerk).window,
                idempotency_key=REUSE_KEY,
                paper=_on_paper(applicant, item),
            )
            filled = library.fill(case, clerk)
    return (
        f"电子证照演示:证照类型 {LicenceType.objects.count()} 种,办件签发 {issued} 本,企业持有营业执照 {held} 本,"
        f"临近到期 1 本({near.valid_until},延续办件 {renewing.number if renewing else '无'}),已撤销 1 本,免提交办件 {Case.objects.filter(pk=case.pk).count()} 件"
        f"(调取 {len(filled)} 份)"
    )
