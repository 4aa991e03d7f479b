"""Portal forms for licences: 授权用证 (the holder names the party, the purpose, the last day)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from zhengwu.core.forms import ServiceForm, free_text


class GrantForm(ServiceForm):
    """What the holder typed, as typed: licences.grants.authorise checks each field and names the one it refuses
    (the department chosen, the party's code, the purpose, the dates), as it does for the API."""

    kind = forms.CharField(label=_("被授权方类型"), required=False)
    organisation_q = forms.CharField(label=_("查找被授权部门"), required=False, strip=False)
    organisation = forms.CharField(label=_("被授权部门"), required=False)
    grantee_name = free_text(_("单位或个人名称"))
    grantee_id = free_text(_("统一社会信用代码或居民身份证号码"))
    purpose = free_text(_("用途"))
    valid_until = free_text(_("授权截止日期"))

    def for_service(self) -> dict:
        """The fields as grants.authorise takes them."""
        names = ("kind", "organisation", "grantee_id", "grantee_name", "purpose", "valid_until")
        return {name: self.cleaned_data[name] for name in names}
