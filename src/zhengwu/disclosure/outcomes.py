"""The legal outcomes of a reply (答复) and their sub-reasons, as the 2021 national annual-report template lists them,
with the article of the Regulations (政府信息公开条例) each relies on. The order here is the report table's order."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from zhengwu.core.errors import ValidationFailed


@dataclass(frozen=True)
class Outcome:
    code: str
    label: str
    article: str
    reasons: tuple[Reason, ...] = ()


@dataclass(frozen=True)
class Reason:
    code: str
    label: str
    article: str


OUTCOMES: tuple[Outcome, ...] = (
    # 第三十六条第一项、第二项: already public, or provided.
    Outcome("disclose", "予以公开", "《中华人民共和国政府信息公开条例》第三十六条第(一)项、第(二)项"),
    # 第三十七条: the part that can be told apart is provided.
    Outcome("partial", "部分公开", "《中华人民共和国政府信息公开条例》第三十七条"),
    Outcome(
        "withhold",
        "不予公开",
        "《中华人民共和国政府信息公开条例》第三十六条第(三)项",
        (
            Reason("state_secret", "属于国家秘密", "第十四条"),
            Reason("prohibited_by_law", "其他法律行政法规禁止公开", "第十四条"),
            Reason("security_stability", "危及“三安全一稳定”", "第十四条"),
            Reason("third_party_rights", "保护第三方合法权益", "第十五条"),
            Reason("internal_affairs", "属于三类内部事务信息", "第十六条第一款"),
            Reason("process_information", "属于四类过程性信息", "第十六条第二款"),
            Reason("enforcement_files", "属于行政执法案卷", "第十六条第二款"),
            Reason("query_matter", "属于行政查询事项", "第三十六条第(七)项"),
        ),
    ),
    Outcome(
        "unable",
        "无法提供",
        "《中华人民共和国政府信息公开条例》第三十六条",
        (
            Reason("not_held", "本机关不掌握相关政府信息", "第三十六条第(四)项、第(五)项"),
            Reason("needs_creation", "没有现成信息需要另行制作", "第三十八条"),
            Reason("unclear_after_supplement", "补正后申请内容仍不明确", "第三十条"),
        ),
    ),
    Outcome(
        "not_processed",
        "不予处理",
        "《中华人民共和国政府信息公开条例》",
        (
            Reason("petition_complaint", "信访举报投诉类申请", "第三十九条第一款"),
            Reason("repeated", "重复申请", "第三十六条第(六)项"),
            Reason("publication", "要求提供公开出版物", "第三十九条第二款"),
            Reason("mass_repeated", "无正当理由大量反复申请", "第三十五条"),
            Reason("confirm_or_reissue", "要求行政机关确认或重新出具已获取信息", "第三十八条、第三十九条"),
        ),
    ),
    Outcome(
        "other",
        "其他处理",
        "《中华人民共和国政府信息公开条例》",
        (
            Reason(
                "no_supplement", "申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请", "第三十条"
            ),
            Reason(
                "unpaid_fee",
                "申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
                "国办函〔2020〕109号",
            ),
            Reason("other", "其他", ""),
        ),
    ),
)

BY_CODE = {o.code: o for o in OUTCOMES}
OUTCOME_CHOICES = [(o.code, o.label) for o in OUTCOMES]
REASON_CHOICES = [(r.code, f"{o.label}:{r.label}") for o in OUTCOMES for r in o.reasons]


def validate(outcome: str, reason: str = "") -> tuple[Outcome, Reason | None]:
    """The outcome and its sub-reason, checked: outcomes with sub-reasons need exactly one of theirs."""
    found = BY_CODE.get(outcome)
    if found is None:
        raise ValidationFailed(_("请选择答复结果"), field="outcome")
    if not found.reasons:
        if reason:
            raise ValidationFailed(
                _("「%(label)s」不需要选择具体理由") % {"label": found.label}, field="reason"
            )
        return found, None
    for r in found.reasons:
        if r.code == reason:
            return found, r
    raise ValidationFailed(_("「%(label)s」须选择具体理由") % {"label": found.label}, field="reason")


def article_of(outcome: str, reason: str = "") -> str:
    """The article a reply letter cites for this outcome."""
    found, r = validate(outcome, reason)
    if r is None or not r.article:
        return found.article
    if r.article.startswith("第"):
        return _("《中华人民共和国政府信息公开条例》%(article)s") % {"article": r.article}
    return r.article


def report_rows() -> list[tuple[str, str, str, int]]:
    """The rows of table 三, part 三 (办理结果): (key, label, outcome code, indent level)."""
    rows: list[tuple[str, str, str, int]] = []
    numerals = "一二三四五六"
    for i, o in enumerate(OUTCOMES):
        rows.append((o.code, f"({numerals[i]}){o.label}", o.code, 1))
        for j, r in enumerate(o.reasons, start=1):
            rows.append((f"{o.code}.{r.code}", f"{j}.{r.label}", o.code, 2))
    return rows
