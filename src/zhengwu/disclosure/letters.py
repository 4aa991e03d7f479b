"""The reply letter (政府信息公开申请答复书) as PDF, through core.documents."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zhengwu.core.documents import qr_svg, render_pdf
from zhengwu.core.errors import Conflict
from zhengwu.disclosure import outcomes, workflow
from zhengwu.disclosure.models import DisclosureRequest

OUTCOME_SENTENCES = {
    "disclose": gettext_lazy("经审查,您申请获取的政府信息属于公开范围,本机关决定予以公开。"),
    "partial": gettext_lazy(
        "经审查,您申请获取的政府信息中部分内容可以公开,本机关对能够区分处理的部分予以公开,其余部分不予公开。"
    ),
    "withhold": gettext_lazy("经审查,您申请获取的政府信息属于不予公开的范围,本机关决定不予公开。"),
    "unable": gettext_lazy("经检索,本机关无法提供您申请获取的政府信息。"),
    "not_processed": gettext_lazy(
        "经审查,您的申请不属于本机关应当作为政府信息公开申请处理的情形,本机关不予处理。"
    ),
    "other": gettext_lazy("本机关对您的政府信息公开申请作如下处理。"),
}


def letter_context(request: DisclosureRequest, *, base_url: str = "") -> dict:
    if request.status == workflow.WITHDRAWN_REQUEST:
        # ended by the requester's withdrawal: no reply was made (the annual report counts it under 其他处理)
        raise Conflict(_("申请人已撤回该申请,本机关未作答复,没有答复书"), field="status")
    if not request.outcome or request.concluded_on is None:
        raise Conflict(_("该申请尚未答复,暂无答复书"), field="status")
    outcome, reason = outcomes.validate(request.outcome, request.reason)
    verify = f"{base_url.rstrip('/')}/disclosure/track/?number={request.number}"
    return {
        "r": request,
        "outcome": outcome,
        "reason": reason,
        "sentence": OUTCOME_SENTENCES[outcome.code],
        "article": outcomes.article_of(request.outcome, request.reason),
        "qr": qr_svg(verify),
        "verify": verify,
    }


def reply_letter_pdf(request: DisclosureRequest, *, base_url: str = "") -> bytes:
    """The reply letter citing the article the outcome relies on."""
    return render_pdf("disclosure/documents/reply_letter.html", letter_context(request, base_url=base_url))
