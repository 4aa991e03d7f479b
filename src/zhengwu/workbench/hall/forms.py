"""Forms of the hall's workbench pages: they read and check what was typed (times, whole numbers, weekdays, the
records named); the rules stay in zhengwu.hall (services, queue, delivery), whose refusals the pages show at the
field they name. A page shows one error at a time (`HallForm.refusal`), as the services give them."""

import datetime as dt
import re

from django import forms
from django.utils.translation import gettext_lazy as _

from zhengwu.core.forms import free_text, named
from zhengwu.hall import selectors
from zhengwu.hall.forms import HallForm, RecordId, SlotForm

# 9:00 as people type it, 09:00, and 8：30 with the colon of a Chinese input method
HOUR_MINUTE = re.compile(r"(\d{1,2})[:：](\d{2})")


class HourMinuteField(forms.CharField):
    """A time of day in 24-hour form, 时:分 (9:00, 09:00, 8：30); anything else, or nothing, is refused with
    `message` (%(label)s named)."""

    def __init__(self, label, *, message, **kwargs):
        text = named(message, label=label)
        super().__init__(label=label, required=False, error_messages={"invalid": text}, **kwargs)

    def to_python(self, value) -> dt.time:
        found = HOUR_MINUTE.fullmatch(str(value or "").strip())
        try:
            return dt.time(int(found.group(1)), int(found.group(2)))
        except (AttributeError, ValueError):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None


def whole(label) -> forms.IntegerField:
    message = named(_("请填写%(label)s(整数)"), label=label)
    return forms.IntegerField(label=label, error_messages={"required": message, "invalid": message})


class WeekdaysField(forms.Field):
    """The ticked weekdays (1 Monday … 7 Sunday) as a rule stores them, e.g. "12345" (the boxes, or the code)."""

    widget = forms.CheckboxSelectMultiple

    def __init__(self, **kwargs):
        super().__init__(error_messages={"required": _("请至少勾选一天(周一至周日)")}, **kwargs)

    def to_python(self, value) -> str:
        values = value if isinstance(value, (list, tuple)) else [value or ""]
        return "".join(sorted({d for v in values for d in str(v) if d in "1234567"}))


# ---- 预约时段规则 and 办公时间 (the centre manager)

RULE_TIME = _("%(label)s应为24小时制的 时:分,如 08:30、13:30")


class RuleForm(HallForm):
    """One slot rule of the centre changed (services.change_rule)."""

    rule = forms.ModelChoiceField(label=_("预约时段规则"), queryset=None)
    start = HourMinuteField(_("开始时间"), message=RULE_TIME)
    end = HourMinuteField(_("结束时间"), message=RULE_TIME)
    slot_minutes = whole(_("每时段分钟数"))
    capacity = whole(_("每时段名额"))
    weekdays = WeekdaysField(label=_("星期"))
    is_active = forms.BooleanField(label=_("启用"), required=False)

    def __init__(self, *args, rules, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["rule"].queryset = rules

    def changes(self) -> dict:
        names = ("start", "end", "slot_minutes", "capacity", "weekdays", "is_active")
        return {name: self.cleaned_data[name] for name in names}

    def posted_weekdays(self) -> str:
        """The boxes ticked, to tick them again when the form is refused."""
        return "".join(str(v) for v in (self["weekdays"].value() or []))


class HoursForm(HallForm):
    """A season's office hours (services.set_opening_hours, which checks the name, the day and the order of the
    times); the group one of the centre's, or none for the whole centre."""

    group = forms.ModelChoiceField(
        label=_("适用范围"),
        queryset=None,
        required=False,
        error_messages={"invalid_choice": _("请选择本中心的窗口分组")},
    )
    name = free_text(_("名称"))
    from_month = forms.CharField(label=_("起始月"), required=False)
    from_day = forms.CharField(label=_("起始日"), required=False)

    def __init__(self, *args, groups, **kwargs):
        from zhengwu.hall.services import HOURS_TIMES

        super().__init__(*args, **kwargs)
        self.fields["group"].queryset = groups
        self.time_names = [name for name, _label in HOURS_TIMES]
        for name, label in HOURS_TIMES:
            self.fields[name] = HourMinuteField(label, message=_("%(label)s应为24小时制时间,如 08:30"))

    def hours(self) -> dict:
        d = self.cleaned_data
        return {
            "group": d["group"],
            "name": d["name"],
            "from_month": d["from_month"],
            "from_day": d["from_day"],
            **{name: d[name] for name in self.time_names},
        }


class RemoveHoursForm(HallForm):
    hours = forms.ModelChoiceField(
        label=_("办公时间"),
        queryset=None,
        error_messages={"required": _("找不到该办公时间"), "invalid_choice": _("找不到该办公时间")},
    )

    def __init__(self, *args, rows, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["hours"].queryset = rows


# ---- the window's terminal (叫号)


class TerminalForm(HallForm):
    """A button of the terminal: the number it acts on (but 下一位), the group a number is transferred to, the case
    it was served for."""

    number = RecordId(_("号码"))
    group = RecordId(_("转入的窗口分组"))
    case_number = free_text(_("办件编号"))

    def __init__(self, *args, action: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.action = action

    def clean_number(self):
        return selectors.queue_number(self.cleaned_data["number"])

    def clean_group(self):
        return selectors.group(self.cleaned_data["group"])

    def clean(self):
        data = super().clean()
        if self.action == "next":
            return data
        if data.get("number") is None:
            self.add_error("number", _("请选择号码"))
        elif self.action == "transfer" and data.get("group") is None:
            self.add_error("group", _("请选择转入的窗口分组"))
        return data


# ---- the information desk (导服台) and booking for a caller


class DeskLookupForm(HallForm):
    """What the desk looks for: an item by name, or the item chosen (one the centre serves, else none)."""

    q = forms.CharField(label=_("查找办理事项"), required=False)
    item = RecordId(_("办理事项"))

    def __init__(self, *args, centre, **kwargs):
        super().__init__(*args, **kwargs)
        self.centre = centre

    def clean_q(self) -> str:
        return self.cleaned_data["q"][:60]

    def clean_item(self):
        from zhengwu.hall import items

        pk = self.cleaned_data["item"]
        return items.bookable_items(centre=self.centre).filter(pk=pk).first() if pk else None

    def lookup(self) -> dict:
        data = self.cleaned_data if self.is_valid() else {}
        return {"query": data.get("q", ""), "item": data.get("item")}


class DeskTakeForm(HallForm):
    """A walk-in's number at the desk: the group (among those handling the item chosen — the one when only one
    does — or any group of the centre), the phone, 绿色通道."""

    group = RecordId(_("业务分组"))
    phone = free_text(_("手机号码"))
    green = free_text(_("绿色通道"))

    def __init__(self, *args, item, handling, groups, **kwargs):
        super().__init__(*args, **kwargs)
        self.item, self.handling, self.groups = item, handling, groups

    def clean_group(self):
        pk = self.cleaned_data["group"]
        if self.item is not None:
            chosen = [g for g in self.handling if g.pk == pk]
            group = chosen[0] if chosen else (self.handling[0] if len(self.handling) == 1 else None)
        else:
            group = next((g for g in self.groups if g.pk == pk), None)
        if group is None:
            # named as the page names the field: 办理窗口分组 once an item is chosen, 业务分组 otherwise
            raise forms.ValidationError(
                _("请选择「办理窗口分组」")
                if self.item is not None
                else _("请查找办理事项,或选择「业务分组」")
            )
        return group


class PhoneBookingForm(SlotForm):
    """代为预约: the caller's details for the slot chosen (services.book checks them)."""

    name = free_text(_("姓名"))
    phone = free_text(_("手机号码"))
    id_number = free_text(_("身份证号码"))
    green = free_text(_("绿色通道"))


# ---- 送达 (post, confirm, returned) and 帮办代办


class PostForm(HallForm):
    """寄出: a case of the centre to post, the carrier (EMS when not given) and the tracking number."""

    case = RecordId(_("办件"))
    tracking_number = free_text(_("邮件单号"))
    carrier = forms.CharField(label=_("寄递企业"), required=False)

    def __init__(self, *args, cases, **kwargs):
        super().__init__(*args, **kwargs)
        self.cases = cases

    def clean_case(self):
        pk = self.cleaned_data["case"]
        return self.cases.filter(pk=pk).first() if pk else None

    def clean_carrier(self) -> str:
        return self.cleaned_data["carrier"] if "carrier" in self.data else "EMS"


class DispatchForm(HallForm):
    """签收 or 退回 (with its reason) of a posted result of the centre."""

    dispatch = RecordId(_("寄递记录"))
    reason = free_text(_("退回原因"), max_length=200)

    def __init__(self, *args, cases, **kwargs):
        super().__init__(*args, **kwargs)
        self.cases = cases

    def clean_dispatch(self):
        return selectors.dispatch_of(self.cases, self.cleaned_data["dispatch"])


class HelperForm(HallForm):
    """帮办代办: the case by its number, the helper among the staff the user sees."""

    number = forms.CharField(label=_("办件编号"), required=False)
    helper = RecordId(_("帮办代办人"))

    def __init__(self, *args, cases, staff, **kwargs):
        super().__init__(*args, **kwargs)
        self.cases, self.staff = cases, staff

    def clean_number(self):
        case = self.cases.filter(number=self.cleaned_data["number"]).first()
        if case is None:
            raise forms.ValidationError(_("找不到该办件编号"))
        return case

    def clean_helper(self):
        pk = self.cleaned_data["helper"]
        helper = self.staff.filter(pk=pk).first() if pk else None
        if helper is None:
            raise forms.ValidationError(_("请选择帮办代办人"))
        return helper


class RevealForm(HallForm):
    reason = free_text(_("查看理由"))
