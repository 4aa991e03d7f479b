"""Writes for evaluation: one keyword-only function per use case, one transaction each, with its audit record.

`by` is the acting user. Ratings come from applicants who are not signed in (they hold a signed link or the case's
query code, checked by the page) or from the counter tablet (the clerk's session); `by` None is the applicant or
the platform itself.

This module is the one door: callers write `services.rate(...)`. The functions live by job in:
- evaluation/shared.py — the role groups, the acting person and the scope check every write uses;
- evaluation/ratings.py — rate, and the rectification of a bad rating: verify, rectify, reply, follow_up;
- evaluation/appeals.py — file_appeal, decide_appeal;
- evaluation/region_settings.py — save_settings, apply_unrated_policy (cases left unrated);
- evaluation/ledger.py — the first-inquiry ledger: record_inquiry, hand_over, answer_inquiry;
- evaluation/notices.py — the one-time notice: notice_essentials, issue_notice, its link and PDF (notice_token,
  notice_from_token, notice_url, render_notice_pdf, notice_text), send_notice;
- evaluation/commitments.py — publish_commitment;
- evaluation/recompute.py — recompute_for_year, after a calendar change.
"""

from __future__ import annotations

from zhengwu.evaluation.appeals import (
    decide_appeal,
    file_appeal,
)
from zhengwu.evaluation.commitments import (
    publish_commitment,
)
from zhengwu.evaluation.ledger import (
    answer_inquiry,
    hand_over,
    record_inquiry,
)
from zhengwu.evaluation.notices import (
    NOTICE_SALT,
    issue_notice,
    notice_essentials,
    notice_from_token,
    notice_text,
    notice_token,
    notice_url,
    render_notice_pdf,
    send_notice,
)
from zhengwu.evaluation.ratings import (
    follow_up,
    rate,
    rectify,
    reply,
    verify,
)
from zhengwu.evaluation.recompute import (
    recompute_for_year,
)
from zhengwu.evaluation.region_settings import (
    apply_unrated_policy,
    save_settings,
)
from zhengwu.evaluation.shared import (
    APPEAL_DECIDERS,
    COMMITMENT_EDITORS,
    FOLLOW_UP_ROLES,
    RECTIFY_ROLES,
    log,
)

__all__ = [
    "APPEAL_DECIDERS",
    "COMMITMENT_EDITORS",
    "FOLLOW_UP_ROLES",
    "NOTICE_SALT",
    "RECTIFY_ROLES",
    "answer_inquiry",
    "apply_unrated_policy",
    "decide_appeal",
    "file_appeal",
    "follow_up",
    "hand_over",
    "issue_notice",
    "log",
    "notice_essentials",
    "notice_from_token",
    "notice_text",
    "notice_token",
    "notice_url",
    "publish_commitment",
    "rate",
    "recompute_for_year",
    "record_inquiry",
    "rectify",
    "render_notice_pdf",
    "reply",
    "save_settings",
    "send_notice",
    "verify",
]
