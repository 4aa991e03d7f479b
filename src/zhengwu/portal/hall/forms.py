"""Forms of the hall's public pages (booking, 我的预约, the booking's page, taking a number, the kiosk): they read and
check what was posted; the rules stay in zhengwu.hall (services, queue), whose refusals the pages show at the field
they name, one at a time (`HallForm.refusal`)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from zhengwu.core.forms import free_text
from zhengwu.hall.forms import HallForm, RecordId, SlotForm


class OnlineBookingForm(SlotForm):
    """Booking under the signed-in account: the slot, and a phone for the SMS (the account's when none is given)."""

    phone = free_text(_("手机号码"))


class CancelForm(HallForm):
    """我的预约: one of the person's own bookings, to cancel."""

    booking = forms.ModelChoiceField(label=_("预约"), queryset=None)

    def __init__(self, *args, bookings, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["booking"].queryset = bookings


class TakeForm(HallForm):
    """A number for a group of the hall (on the phone with `phone`, at the kiosk without)."""

    group = RecordId(_("办理业务"))
    phone = free_text(_("手机号码"))

    def __init__(self, *args, groups, **kwargs):
        super().__init__(*args, **kwargs)
        self.groups = groups

    def clean_group(self):
        pk = self.cleaned_data["group"]
        group = next((g for g in self.groups if g.pk == pk), None)
        if group is None:
            raise forms.ValidationError(_("请选择办理业务"))
        return group


class KioskBookingForm(SlotForm):
    """按事项预约 at the kiosk: the slot, the person's name and phone."""

    name = free_text(_("姓名"))
    phone = free_text(_("手机号码"))


class KioskModeForm(forms.Form):
    """How the kiosk shows itself (大字模式, the booking panel) and the slot touched, from its links and forms."""

    large = forms.CharField(required=False)
    book = forms.CharField(required=False)
    slot = RecordId()

    def value(self, name: str):
        return self.cleaned_data.get(name) if self.is_valid() else None
