"""The annual report in four formats (json, html, pdf, xlsx), its editable texts, and its publication."""

from __future__ import annotations

import io
import json

from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from zhengwu.cases import selectors as cases_selectors
from zhengwu.core import access, audit, clock
from zhengwu.core.documents import render_pdf
from zhengwu.core.errors import NotFound, ValidationFailed
from zhengwu.core.models import Organisation
from zhengwu.disclosure import permissions, report, services
from zhengwu.disclosure.models import AnnualReport, Category, DisclosureProfile

CONTENT_TYPES = {
    "json": "application/json; charset=utf-8",
    "html": "text/html; charset=utf-8",
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def organisation_by_code(code: str) -> Organisation:
    """The organisation with this USCC or configured index code."""
    code = (code or "").strip()
    org = Organisation.objects.filter(Q(uscc__iexact=code)).first()
    if org is None:
        profile = (
            DisclosureProfile.objects.filter(index_code__iexact=code).select_related("organisation").first()
        )
        org = profile.organisation if profile else None
    if org is None:
        raise NotFound(_("找不到代码为「%(code)s」的机构") % {"code": code}, field="org")
    return org


def _check_year(year: int) -> int:
    if not 2008 <= year <= clock.today().year:
        raise ValidationFailed(_("年度应在2008年至今年之间"), field="year")
    return year


def saved(organisation: Organisation, year: int) -> AnnualReport | None:
    return AnnualReport.objects.filter(organisation=organisation, year=year).first()


def data_for(organisation: Organisation, year: int) -> dict:
    """The report's JSON document: records computed now, texts and manual figures as saved."""
    _check_year(year)
    row = saved(organisation, year)
    texts = (
        {"overview": row.overview, "problems": row.problems, "other_matters": row.other_matters}
        if row
        else {}
    )
    return report.build(
        organisation,
        year,
        texts=texts,
        figures=row.figures if row else {},
        case_decisions=case_decisions(organisation, year),
        administrative_fees=administrative_fees(organisation, year),
    )


# 第二十条第(八)项 from the fee records: the fees domain registers `(organisation, year) -> Decimal | None`, the
# year's 行政事业性收费 collected (元) by the organisation and its children, None where it keeps no records.
fee_sources: list = []


def administrative_fees(organisation: Organisation, year: int):
    for source in fee_sources:
        value = source(organisation, year)
        if value is not None:
            return value
    return None


def case_decisions(organisation: Organisation, year: int) -> dict[str, int]:
    """The year's case decisions by item type for the organisation and its children (第二十条第(五)(六)项)."""
    ids = access.organisations_under(organisation).values_list("pk", flat=True)
    return cases_selectors.decisions_by_type(organisation_ids=ids, year=year)


def save_texts(
    *,
    organisation: Organisation,
    year: int,
    by,
    overview: str = "",
    problems: str = "",
    other_matters: str = "",
    figures: dict | None = None,
) -> AnnualReport:
    """Save the editable sections (一、五、六) and the figures other systems hold."""
    if refused := permissions.organisation_refusal(by, organisation, "report"):
        raise refused
    _check_year(year)
    clean = {}
    for key, value in (figures or {}).items():
        if key not in report.MANUAL_FIGURES:
            raise ValidationFailed(_("未知数字「%(key)s」") % {"key": key}, field=key)
        if value in ("", None):
            continue
        try:
            number = float(value) if key.endswith("yuan") else int(value)
        except (TypeError, ValueError):
            raise ValidationFailed(_("请填写数字"), field=key) from None
        if number < 0:
            raise ValidationFailed(_("数字不能为负"), field=key)
        clean[key] = number
    with transaction.atomic():
        row, _created = AnnualReport.objects.update_or_create(
            organisation=organisation,
            year=year,
            defaults={
                "overview": overview.strip(),
                "problems": problems.strip(),
                "other_matters": other_matters.strip(),
                "figures": clean,
                "updated_at": clock.now(),
            },
        )
        audit.record("disclosure.report.save", row, actor=by, summary={"year": year, "figures": clean})
    return row


def render_html_fragment(data: dict) -> str:
    return render_to_string(
        "disclosure/report/_body.html",
        {"d": data, "labels": report.REMEDY_RESULT_LABELS, "kinds": report.REMEDY_KINDS},
    )


def render(organisation: Organisation, year: int, fmt: str) -> str | bytes:
    """The report in one format."""
    data = data_for(organisation, year)
    if fmt == "json":
        return json.dumps(data, ensure_ascii=False, indent=2)
    if fmt == "html":
        return render_to_string(
            "disclosure/report/standalone.html", {"d": data, "body": render_html_fragment(data)}
        )
    if fmt == "pdf":
        return render_pdf("disclosure/report/document.html", {"d": data, "body": render_html_fragment(data)})
    if fmt == "xlsx":
        return _xlsx(data)
    raise ValidationFailed(_("格式应为 json、html、pdf 或 xlsx"), field="format")


def _title(organisation_name: str, year: int) -> str:
    """The report's title, on the page, in the workbook and as the publication's."""
    return _("%(organisation)s%(year)s年政府信息公开工作年度报告") % {
        "organisation": organisation_name,
        "year": year,
    }


def _xlsx(data: dict) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    wb = Workbook()
    ws = wb.active
    ws.title = _("年度报告")
    bold = Font(bold=True)
    s = data["sections"]
    ws.append([_title(data["organisation"]["name"], data["year"])])
    ws["A1"].font = Font(bold=True, size=14)
    for key in ("overview",):
        ws.append([s[key]["title"]])
        ws.cell(ws.max_row, 1).font = bold
        ws.append([s[key]["text"]])
    ws.append([s["proactive"]["title"]])
    ws.cell(ws.max_row, 1).font = bold
    ws.append([_("第二十条第(一)项"), _("本年制发件数"), _("本年废止件数"), _("现行有效件数")])
    for key, label in (("regulation", _("规章")), ("normative", _("行政规范性文件"))):
        v = s["proactive"]["article_20_1"][key]
        ws.append([label, v["made"], v["repealed"], v["in_force"]])
    ws.append([_("第二十条第(五)项 行政许可(本年处理决定数量)"), s["proactive"]["article_20_5"]["licensing"]])
    ws.append([_("第二十条第(六)项 行政处罚(本年处理决定数量)"), s["proactive"]["article_20_6"]["penalty"]])
    ws.append(
        [_("第二十条第(六)项 行政强制(本年处理决定数量)"), s["proactive"]["article_20_6"]["enforcement"]]
    )
    ws.append(
        [
            _("第二十条第(八)项 行政事业性收费(本年收费金额,万元)"),
            s["proactive"]["article_20_8"]["administrative_fees_10k_yuan"],
        ]
    )

    t = wb.create_sheet(_("申请情况"))
    cols = s["requests"]["columns"]
    t.append(
        [
            _("本列数据的勾稽关系为:第一项加第二项之和,等于第三项加第四项之和"),
            _("自然人"),
            _("法人或其他组织"),
            "",
            "",
            "",
            "",
            _("总计"),
        ]
    )
    t.append(["", ""] + [c["label"] for c in cols[1:-1]] + [""])
    for row in s["requests"]["rows"]:
        label = "    " * row["level"] + row["label"]
        t.append([label] + ([row["values"][c["key"]] for c in cols] if row["values"] else []))
    t.column_dimensions["A"].width = 60
    for cell in t["A"]:
        cell.alignment = Alignment(wrap_text=True)

    r = wb.create_sheet(_("复议诉讼"))
    header = []
    for label in report.REMEDY_KINDS.values():
        header += [f"{label}:{report.REMEDY_RESULT_LABELS[k]}" for k in report.REMEDY_RESULTS]
    r.append(header)
    r.append([s["remedies"]["table"][kind][k] for kind in report.REMEDY_KINDS for k in report.REMEDY_RESULTS])

    o = wb.create_sheet(_("问题及其他"))
    for key in ("problems", "other_matters"):
        o.append([s[key]["title"]])
        o.append([s[key]["text"]])
    o.append([_("信息处理费收取金额(元)"), s["processing_fees"]["collected_yuan"]])
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def publish_as_publication(*, organisation: Organisation, year: int, by):
    """Turn the report into a draft publication in the annual-report category; it then goes through review."""
    if refused := permissions.organisation_refusal(by, organisation, "report"):
        raise refused
    data = data_for(organisation, year)
    if not data["sections"]["requests"]["check"]["ok"]:
        raise ValidationFailed(_("申请情况表的勾稽关系不成立,请核对数据"), field="requests")
    services.ensure_catalogue(organisation=organisation, by=by)
    category = Category.objects.get(organisation=organisation, code="annual_report")
    pub = services.create_draft(
        organisation=organisation,
        by=by,
        title=_title(organisation.name, year),
        genre="annual_report",
        category=category,
        body=render_html_fragment(data),
    )
    AnnualReport.objects.filter(organisation=organisation, year=year).update(publication=pub)
    return pub
