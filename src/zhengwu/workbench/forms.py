"""Forms shared by the workbench's pages (one per action offered on many pages)."""

from django.utils.translation import gettext_lazy as _

from zhengwu.core.forms import ServiceForm, free_text


class RevealForm(ServiceForm):
    """查看完整个人信息: the reason, as typed (core.personal.reveal cleans and checks it)."""

    reason = free_text(_("查看理由"))
