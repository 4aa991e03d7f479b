"""The hall's forms: the delivery choice (送达方式), shown in the online apply form, at the counter and on the case page
(the method, the address — post and home delivery only — and the home-delivery reason, each error on its field); and
who is told of a long wait (the centre's duty manager, each window group's lead); and the pieces the hall's pages
(portal and workbench) share: a record chosen on the page, the booking's steps (事项, group, day, slot)
and a booking code."""

from django import forms
from django.utils.translation import gettext_lazy as _

from zhengwu.cases.models import Delivery
from zhengwu.core.errors import ValidationFailed
from zhengwu.core.forms import AccessibleForm, ServiceForm, choose_first, free_text
from zhengwu.hall import delivery

REASONS = [("", _("请选择")), ("elderly", _("老年人(60周岁以上)")), ("disabled", _("残疾人"))]


class DeliveryForm(AccessibleForm):
    method = forms.ChoiceField(
        label=_("结果送达方式"), widget=forms.RadioSelect, choices=(), required=False
    )  # not sent (an older client): the result waits at the window, and nothing is recorded
    address = forms.CharField(
        label=_("送达地址"),
        max_length=200,
        required=False,
        help_text=_("邮寄、上门送达填写:写明县(市、区)、街道或乡镇(路、村)和门牌号"),
    )
    reason = forms.ChoiceField(label=_("上门送达情形"), choices=REASONS, required=False)

    def __init__(self, *args, version, **kwargs):
        kwargs.setdefault("prefix", "delivery")
        kwargs["initial"] = {"method": Delivery.WINDOW, **(kwargs.get("initial") or {})}
        super().__init__(*args, **kwargs)
        self.version = version
        self.fields["method"].choices = [(m, Delivery(m).label) for m in delivery.offered_for(version)]
        self.fields["method"].widget.attrs["class"] = "form-check-input"
        self.fields["reason"].widget.attrs["class"] = "form-select"
        self.fields["address"].widget.attrs["autocomplete"] = "street-address"

    def check(self, *, id_number: str) -> bool:
        """The domain's checks (address form, offered methods, age for home delivery), each error on its field."""
        if not self.is_valid():
            return False
        d = self.cleaned_data
        if not d["method"]:
            return True
        try:
            delivery.check_choice(
                version=self.version,
                method=d["method"],
                address=d["address"],
                reason=d["reason"],
                id_number=id_number,
            )
        except ValidationFailed as err:
            self.add_error(err.field if err.field in self.fields else None, err.message)
            return False
        return True

    @property
    def chosen(self) -> bool:
        return bool(self.is_bound and self.is_valid() and self.cleaned_data["method"])

    def choice(self) -> dict:
        d = self.cleaned_data
        return {"method": d["method"], "address": d["address"], "reason": d["reason"]}


class StaffChoiceField(forms.ModelChoiceField):
    """A staff member of the centre, shown with their organisation and window."""

    def __init__(self, *, queryset, **kwargs):
        super().__init__(
            queryset=queryset,
            required=False,
            error_messages={"invalid_choice": _("只能选择本中心在岗的工作人员")},
            **kwargs,
        )

    def label_from_instance(self, obj) -> str:
        where = obj.organisation.short_name or obj.organisation.name
        if obj.window_id:
            where = _("%(where)s · %(number)s 号窗口") % {"where": where, "number": obj.window.number}
        return f"{obj.name}({where})"


class WaitRecipientsForm(AccessibleForm):
    """等候超时提醒人: the centre's duty manager and each window group's lead, chosen among the centre's active staff
    (core.access.centre_staff); 请选择 names nobody (the centre managers are then told)."""

    def __init__(self, *args, centre, settings, groups, **kwargs):
        from zhengwu.core import access

        super().__init__(*args, **kwargs)
        staff = access.centre_staff(centre)
        by_user = {s.user_id: s for s in staff}
        self.groups = list(groups)
        self.fields["duty_manager"] = StaffChoiceField(
            queryset=staff,
            label=_("值班负责人"),
            help_text=_("接收全中心的等候超时提醒(工作台和短信)"),
            initial=by_user.get(settings.duty_manager_id),
        )
        for group in self.groups:
            self.fields[f"lead_{group.pk}"] = StaffChoiceField(
                queryset=staff,
                label=_("「%(name)s」(%(prefix)s 字头)分组负责人")
                % {"name": group.name, "prefix": group.prefix},
                help_text=_("接收本分组的等候超时提醒"),
                initial=by_user.get(group.lead_id),
            )
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-select"
            choose_first(field)

    def lead_fields(self):
        return [self[f"lead_{g.pk}"] for g in self.groups]

    def recipients(self) -> dict:
        """The chosen people as the service takes them: {"duty_manager": user or None, "leads": {group id: ...}}."""

        def user(name):
            chosen = self.cleaned_data.get(name)
            return chosen.user if chosen is not None else None

        return {
            "duty_manager": user("duty_manager"),
            "leads": {g.pk: user(f"lead_{g.pk}") for g in self.groups},
        }


# ---- the pieces of the hall's pages


class RecordId(forms.CharField):
    """The id of a record chosen on the page (a select, a radio, a hidden input): a whole number, or None when it is
    empty or not a number — the page then asks for the choice (请选择预约时段) as when nothing was chosen."""

    def __init__(self, label="", **kwargs):
        super().__init__(label=label, required=False, **kwargs)

    def to_python(self, value) -> int | None:
        try:
            number = int(str(value if value is not None else "").strip())
        except ValueError:
            return None
        return number if number > 0 else None


class HallForm(ServiceForm):
    """A hall page's form: its first error as the refusal the page shows at its field (the pages show one error, as
    the services give them), raised by `check` in the view's flow."""

    def refusal(self) -> ValidationFailed | None:
        for name, errors in self.errors.items():
            return ValidationFailed(str(errors[0]), field=name if name in self.fields else None)
        return None

    def check(self) -> None:
        if not self.is_valid():
            raise self.refusal()


class BookingStepsForm(HallForm):
    """The booking's steps as the page's address or form gives them: what was searched, the item, the group, the day;
    hall.items.booking_steps keeps only what the centre serves (an item or group not among them is not chosen)."""

    q = forms.CharField(label=_("查找办理事项"), required=False)
    item = RecordId(_("办理事项"))
    group = RecordId(_("办理窗口分组"))
    day = forms.CharField(label=_("日期"), required=False)

    def steps(self, *, centre=None) -> dict:
        from zhengwu.hall import items

        data = self.cleaned_data if self.is_valid() else {}
        return items.booking_steps(
            query=str(data.get("q") or "")[:60],
            item_id=data.get("item"),
            group_id=data.get("group"),
            day=str(data.get("day") or ""),
            centre=centre,
        )


class SlotForm(HallForm):
    """A booking's slot among the open ones of the group chosen (the steps), once the item is chosen."""

    item = RecordId(_("办理事项"))
    slot = RecordId(_("预约时段"))

    def __init__(self, *args, steps: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.steps = steps

    def clean(self):
        from zhengwu.hall import selectors

        data = super().clean()
        data["item"] = self.steps["item"]
        data["slot"] = selectors.slot_of(self.steps["group"], data.get("slot"))
        if data["item"] is None:
            self.add_error("item", _("请选择办理事项"))
        elif data["slot"] is None:
            self.add_error("slot", _("请选择预约时段"))
        return data


class CheckinForm(HallForm):
    """签到 by the booking's code (queue.check_in_by_code says what is wrong with it)."""

    code = free_text(_("预约码"))


class ActionForm(forms.Form):
    """Which of a page's buttons was pressed (its `action`), "" when none is named."""

    action = forms.CharField(required=False)

    def pressed(self) -> str:
        return self.cleaned_data["action"] if self.is_valid() else ""
