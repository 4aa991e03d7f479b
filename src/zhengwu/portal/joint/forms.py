"""Forms of an applicant's joint case page: they read and check what was sent (the material's number, the file);
the rules stay in zhengwu.joint, which decides, and joint.permissions, which decides what the page offers."""

from django import forms
from django.utils.translation import gettext_lazy as _

from zhengwu.core.forms import ServiceForm, whole_number, withdrawal_reason


class UploadForm(ServiceForm):
    """A material of the merged list, by its number there."""

    file = forms.FileField(
        label=_("文件"), allow_empty_file=True, error_messages={"required": _("请选择要上传的文件")}
    )
    position = whole_number(_("材料序号"), min_value=0)

    def message(self) -> str:
        """请选择要上传的文件 says what is missing: shown as it is, not after its label."""
        if "file" in self.errors:
            return str(self.errors["file"][0])
        return super().message()


class WithdrawForm(ServiceForm):
    reason = withdrawal_reason()
