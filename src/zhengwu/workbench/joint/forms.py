"""Forms of the joint case page and the bundle editor: they read and check what was typed (numbers, dates, the
window and the materials named); the rules stay in zhengwu.joint (services, meetings, endings, bundles), which
decide, and joint.permissions, which decides what the page offers.

Text goes to the services as typed (they strip and check it), so a field left empty is the service's to refuse,
with its own message."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from zhengwu.core.forms import (
    IsoDateField,
    ServiceForm,
    WholeNumbers,
    free_text,
    name_the_limits,
    whole,
    whole_number,
    withdrawal_reason,
)
from zhengwu.joint import selectors
from zhengwu.joint.services import PROBLEM_LIMIT


class ActionForm(ServiceForm):
    """A joint action answered by a redirect and one message. A file's or a date's own message (请选择要上传的扫描件,
    会议日期「…」不是有效日期) already names what is wrong: it is shown as it is, not after its label."""

    def message(self) -> str:
        for name, errors in self.errors.items():
            if isinstance(self.fields.get(name), (forms.FileField, IsoDateField)):
                return str(errors[0])
            break
        return super().message()


# ---- the lead window


class NotifyForm(ActionForm):
    note = free_text(_("受理意见"))


class LeadWindowForm(ActionForm):
    """指定(改派)主办窗口: the window chosen (None when it is none: the service says which to choose)."""

    window = forms.CharField(label=_("主办窗口"), required=False)
    reason = free_text(_("改派理由"))

    def clean_window(self):
        value = self.cleaned_data["window"]
        return selectors.window(number) if (number := whole(value)) is not None else None


class ConveneForm(ActionForm):
    kind = forms.CharField(label=_("类型"), required=False)
    scheduled_on = IsoDateField(label=_("会议日期"))
    scheduled_at = forms.CharField(label=_("时间"), required=False)
    applicant_attends = forms.BooleanField(label=_("申请人参加"), required=False)
    place = free_text(_("地点"), max_length=200)
    agenda = free_text(_("议题"), max_length=2000)
    positions = WholeNumbers(label=_("参加的成员事项"))


class MinutesForm(ActionForm):
    minutes = forms.FileField(
        label=_("会议纪要"), allow_empty_file=True, error_messages={"required": _("请选择会议纪要文件")}
    )


class UploadForm(ActionForm):
    """The lead window's scan of a material of the merged list, by its number there."""

    file = forms.FileField(
        label=_("扫描件"), allow_empty_file=True, error_messages={"required": _("请选择要上传的扫描件")}
    )
    position = whole_number(_("材料序号"), min_value=0)


class WithdrawForm(ActionForm):
    reason = withdrawal_reason()


# ---- a member's answer and endings


DEFAULT_PROBLEM = _("缺少或不符合要求,请补正")  # the note of a ticked material left without one


class ItemsForm(ActionForm):
    """The materials a member asks for: ticked on its checklist (`material` = the member item's own material
    number, each with its note `problem_<n>`, optional: without one the applicant is told to supply it), or typed
    as lines "序号:问题" (or "材料名称:问题") in `items`."""

    material = WholeNumbers(label=_("需补正的材料"))
    items = free_text(_("需补正的材料"), max_length=5000)

    def __init__(self, data=None, *args, **kwargs):
        super().__init__(data, *args, **kwargs)
        # a note field for each material ticked (the page has one under every material of the checklist)
        ticked = data.getlist("material") if data is not None and hasattr(data, "getlist") else []
        for value in ticked:
            if whole(str(value)) is not None:
                field = free_text(
                    _("第 %(n)s 项材料的问题说明") % {"n": int(value)}, max_length=PROBLEM_LIMIT
                )
                name_the_limits(field)
                self.fields[f"problem_{int(value)}"] = field

    def missing_items(self) -> list[dict]:
        """What services.raise_missing / meetings.record_opinion take: the ticked materials, else the lines typed."""
        data = self.cleaned_data
        items = [
            {"position": n, "problem": (data.get(f"problem_{n}") or "").strip() or str(DEFAULT_PROBLEM)}
            for n in data["material"]
        ]
        return items or parse_items(data["items"])


def parse_items(text: str) -> list[dict]:
    """Lines "序号:问题" (or "材料名称:问题") → missing items."""
    items = []
    for line in (text or "").splitlines():
        head, sep, problem = line.replace(":", ":").partition(":")
        if not line.strip():
            continue
        head = head.strip()
        if not sep:
            head, problem = "", line
        item = {"position": int(head)} if whole(head) is not None else {"name": head or problem.strip()}
        items.append({**item, "problem": problem.strip()})
    return items


class MissingForm(ItemsForm):
    pass


class OpinionForm(ItemsForm):
    opinion = free_text(_("意见"), max_length=2000)


class ConfirmForm(ActionForm):
    """确认材料齐全: nothing to type."""


class RefuseForm(ActionForm):
    reason = free_text(_("不予受理的理由"))
    legal_basis = free_text(_("法律依据"))


class DenyForm(ActionForm):
    reasons = free_text(_("不予许可的理由"))
    legal_basis = free_text(_("法律依据"))


class ForwardForm(ActionForm):
    authority = forms.CharField(label=_("上级机关"), required=False, max_length=200)
    note = free_text(_("上报说明"), max_length=2000)


class ForwardReplyForm(ActionForm):
    reply = free_text(_("上级机关的答复"), max_length=2000)


# ---- 统一登记 (the applicant and the merged form have their own forms)


class RegisterForm(ServiceForm):
    """The bundle chosen (posted, or in the address when the page opens on it) and the lead window picked."""

    bundle = forms.CharField(label=_("一件事"), required=False)
    lead_window = forms.CharField(label=_("主办窗口"), required=False)


# ---- bundles


class BundleActionForm(ActionForm):
    """提交审核, 发布 (the reason of a revision) and 退回 (the reviewer's note)."""

    reason = free_text(_("调整理由"), max_length=500)
    note = free_text(_("退回意见"), max_length=500)


MAX_MEMBER_ROWS = 40


class BundleForm(ServiceForm):
    """The bundle editor: the bundle's fields and its member rows (`rows` of them, each an item code, a stage and
    the row numbers whose results it needs), read as bundles.parse takes them; bundles decides what is right."""

    rows = forms.CharField(required=False, widget=forms.HiddenInput)
    name = free_text(_("名称"))
    category = free_text(_("类别"))
    lead_organisation = free_text(_("牵头部门"))
    description = free_text(_("说明"))
    stages = free_text(_("阶段"))
    extension_approval = free_text(_("延期批准"), max_length=200)
    reason = free_text(_("调整理由"), max_length=500)
    TEXTS = ("name", "category", "lead_organisation", "description", "stages", "extension_approval", "reason")

    def __init__(self, data=None, *args, **kwargs):
        super().__init__(data, *args, **kwargs)
        self.row_count = self._row_count(data)
        for n in range(1, self.row_count + 1):
            for part, label in (("item", _("事项")), ("stage", _("阶段")), ("needs", _("前置成员"))):
                self.fields[f"member_{n}_{part}"] = forms.CharField(label=label, required=False)

    def clean_rows(self) -> int:
        """The hidden row count as the editor page writes it; a forged one (abc, 99) is refused, not read as none."""
        value = self.cleaned_data["rows"].strip()
        if not value:
            return 0
        if whole(value) is None:
            raise forms.ValidationError(_("成员行数无效,请刷新页面后重新填写"), code="invalid")
        if whole(value) > MAX_MEMBER_ROWS:
            raise forms.ValidationError(
                _("一件事最多 %(max)s 个成员行"), code="max_value", params={"max": MAX_MEMBER_ROWS}
            )
        return whole(value)

    @staticmethod
    def _row_count(data) -> int:
        """How many member rows the page posted (the hidden `rows`; a page without it has none), at most 40."""
        value = str((data or {}).get("rows") or "").strip()
        return min(int(value), MAX_MEMBER_ROWS) if whole(value) is not None else 0

    def member_rows(self) -> list[dict]:
        """The member rows as posted: row number, item code, stage, the row numbers whose results it needs."""
        data = self.cleaned_data
        return [
            {
                "row": n,
                "item": data.get(f"member_{n}_item") or "",
                "stage": data.get(f"member_{n}_stage") or "",
                "needs": data.get(f"member_{n}_needs") or "",
            }
            for n in range(1, self.row_count + 1)
        ]

    def spec(self, rows: list[dict]) -> tuple[dict, dict[int, int]]:
        """The posted form as bundles.parse takes it; the rows with an item chosen become members 1, 2, …
        (`placed`: member position → the row it came from, so an error about member 2 is shown at its row)."""
        data = self.cleaned_data
        chosen = [r for r in rows if r["item"]]
        placed = {position: r["row"] for position, r in enumerate(chosen, start=1)}
        code_of_row = {r["row"]: r["item"] for r in chosen}
        members = []
        for r in chosen:
            needs = []
            for token in r["needs"].replace(",", ",").replace("、", ",").split(","):
                token = token.strip()
                if token:  # a row number, or an item code typed directly
                    needs.append(
                        code_of_row.get(int(token), _("第%(row)s行") % {"row": token})
                        if whole(token) is not None
                        else token
                    )
            members.append({"item": r["item"], "stage": r["stage"] or 1, "needs": needs})
        text = {name: data.get(name) or "" for name in self.TEXTS}  # a field refused (NUL) shown empty
        spec = {
            **text,
            "stages": [line.strip() for line in text["stages"].splitlines() if line.strip()],
            "members": members,
        }
        return spec, placed
