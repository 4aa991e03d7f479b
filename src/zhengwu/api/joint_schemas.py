"""The joint case as the API answers it (shared by /api/joint and GET /api/cases/{number})."""

from __future__ import annotations

from typing import Any

from ninja import Schema


class JointMemberOut(Schema):
    position: int
    stage: int
    stage_name: str
    number: str
    organisation: str
    item: str
    item_code: str
    state: str
    state_label: str
    decision: str
    decision_label: str
    legal_due: str | None
    promised_due: str | None
    # accepted, its clock starting at these prerequisite members' result (、-joined); "" when counting or not accepted
    clock_waits_for: str = ""
    answer: str
    answer_label: str
    missing: list[dict[str, Any]]
    needs: list[str]
    results: list[dict[str, Any]]
    level: str
    level_label: str


class JointCaseOut(Schema):
    kind: str
    number: str
    query_code: str | None = None
    bundle_code: str
    bundle_name: str
    phase: str
    phase_label: str
    lead_organisation: str
    lead_window: str = ""
    applicant_name: str
    channel: str
    received_at: str | None
    accepted_on: str | None
    legal_due: str | None
    promised_due: str | None
    due: str | None
    # members whose clock waits for a prerequisite's result ({item, waits_for}); while any does, the joint due date
    # is the bundle's overall limit counted from acceptance, and due_note says so
    clocks_waiting: list[dict[str, Any]] = []
    due_note: str = ""
    level: str
    level_label: str
    late: bool
    revision: int
    members: list[JointMemberOut]
    meetings: list[dict[str, Any]] = []
    forwardings: list[dict[str, Any]] = []
    notices: list[dict[str, Any]]
    refusals: list[dict[str, Any]] = []
