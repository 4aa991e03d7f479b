"""What a publication will publish, as its reviewers read it, and what changed since it was last sent into review.

Each 提交审核 keeps the content then (models.SubmittedVersion); a publication sent back (退回), changed and sent again
shows its reviewers the fields and the paragraphs of the body that differ from what the previous round saw.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zhengwu.disclosure import text, workflow

# the reviewed fields, in the order the review page lists them; "body" and "attachments" are compared apart
FIELDS = (
    ("title", gettext_lazy("标题")),
    ("document_number", gettext_lazy("文号")),
    ("genre", gettext_lazy("体裁")),
    ("category", gettext_lazy("目录")),
    ("subject", gettext_lazy("主题分类")),
    ("written_on", gettext_lazy("成文日期")),
    ("important", gettext_lazy("重要文件")),
    ("interprets", gettext_lazy("所解读的政策")),
)
_BLOCK_END = re.compile(r"</(?:p|li|h[1-6]|tr|div|blockquote|pre)>|<br\s*/?>", re.I)


def paragraphs(markup: str) -> list[str]:
    """The body's text, one item a paragraph (a list item, a heading, a table row), without tags."""
    return [
        line
        for line in (" ".join(text.plain(part).split()) for part in _BLOCK_END.split(markup or ""))
        if line
    ]


def content_of(publication) -> dict:
    """What the publication publishes, as words a reviewer reads (the catalogue's name, not its id)."""
    category = publication.category
    interprets = publication.interprets
    return {
        "title": publication.title,
        "document_number": publication.document_number,
        "genre": str(publication.get_genre_display()),
        "category": f"{category.code} {category.name}" if category else "",
        "subject": publication.subject,
        "written_on": publication.written_on.isoformat() if publication.written_on else "",
        "important": str(_("是") if publication.important else _("否")),
        "interprets": f"{interprets.index_number} {interprets.title}" if interprets else "",
        "body": paragraphs(publication.body),
        "attachments": [f"{a.name}({a.size} B)" for a in publication.attachments.all()],
    }


@dataclass(frozen=True)
class Changes:
    """What differs between the content a previous round reviewed and the content now."""

    since: object  # the SubmittedVersion compared with
    fields: list[tuple[str, str, str]]  # (label, before, after)
    body: list[tuple[str, str]]  # ("-" removed | "+" added, paragraph)
    attachments_removed: list[str]
    attachments_added: list[str]

    @property
    def any(self) -> bool:
        return bool(self.fields or self.body or self.attachments_removed or self.attachments_added)


def compare(before: dict, after: dict, *, since=None) -> Changes:
    fields = [
        (str(label), before.get(key, "") or "—", after.get(key, "") or "—")
        for key, label in FIELDS
        if (before.get(key) or "") != (after.get(key) or "")
    ]
    body = [
        (line[0], line[2:])
        for line in difflib.ndiff(before.get("body", []), after.get("body", []))
        if line[:1] in ("-", "+")
    ]
    old, new = before.get("attachments", []), after.get("attachments", [])
    return Changes(
        since=since,
        fields=fields,
        body=body,
        attachments_removed=[a for a in old if a not in new],
        attachments_added=[a for a in new if a not in old],
    )


def since_last_review(publication) -> Changes | None:
    """What changed since the round of review before this one (a draft: since its last submission); None when the
    publication was never sent into review before."""
    # in review, the newest submission is this round's (a publication in review does not change): the one before
    rounds = list(publication.submissions.order_by("-number")[:2])
    if publication.status != workflow.DRAFT:
        rounds = rounds[1:]
    if not rounds:
        return None
    previous = rounds[0]
    return compare(previous.content, content_of(publication), since=previous)
