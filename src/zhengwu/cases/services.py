"""Writes for cases: one keyword-only function per use case, one transaction each. Inside it: the checked transition,
the immutable CaseEvent, the stored copies rebuilt from the events (history.derive), the audit record, the notice
and the outbox messages. `by` is the acting user; None means the platform itself (commands, tasks, imports).

Concurrency: every write locks the case row (select_for_update) and re-checks the status against the table, so of two
people acting at once one wins and the other gets a Conflict saying what happened. Pass `revision` (the number the
page showed) to also refuse a write based on a stale page.

This module is the one door: callers write `services.submit_case(...)`. The functions live by job in:
- cases/records.py — what every write shares: the role groups, locking the case, the staff checks, recording an
  event (_record) and rebuilding the stored copies from the events (_refresh);
- cases/applicants.py — register_applicant, verify_real_name, register_verified;
- cases/submission.py — application and receipt: save_draft (save_draft_for: with the principal an agent applies
  for), submit_case (item_for_submit: its item read with the case an idempotency key made), check_upload, upload_material, missing_materials;
- cases/intake.py — the intake decision: accept_case, deem_accepted, request_supplement, supply_supplement,
  refuse_case;
- cases/steps.py — handling steps: claim_step, assign_step, complete_step, return_step, attach_file;
- cases/charges.py — fees charged on a case: charge_fee, correct_fee, record_notice_charge;
- cases/suspensions.py — suspend_case, resume_case, request_extension, decide_extension;
- cases/endings.py — withdraw_case, terminate_case, decide_case, deliver_result, complete_case, handle_instantly;
- cases/legacy.py — import_case, import_cases, history from an older system (cases/importer.py reads the file);
- cases/written.py — print_notice, serve_notice, a notice no message delivered served on paper (待送达书面通知);
- cases/recompute.py — recompute_for_year, the stored due dates after a calendar change.
The few private helpers named here (_agent, _limits, _steps_payload, _supplement_items, _jsonable) are used by
cases/importer.py and joint/services.py.
"""

from __future__ import annotations

from zhengwu.cases.applicants import (
    register_applicant,
    register_verified,
    verify_real_name,
)
from zhengwu.cases.charges import (
    CENT,
    MAX_FEE_AMOUNT,
    charge_fee,
    correct_fee,
    record_notice_charge,
)
from zhengwu.cases.endings import (
    complete_case,
    decide_case,
    deliver_result,
    handle_instantly,
    terminate_case,
    withdraw_case,
)
from zhengwu.cases.intake import (
    _steps_payload,
    _supplement_items,
    accept_case,
    deem_accepted,
    refuse_case,
    request_supplement,
    restart_intake,
    start_clock,
    supply_supplement,
    supply_with_uploads,
)
from zhengwu.cases.legacy import (
    import_case,
    import_cases,
)
from zhengwu.cases.recompute import (
    FINISHED,
    recompute_for_year,
)
from zhengwu.cases.records import (
    HANDLER_ROLES,
    HEAD_ROLES,
    INTAKE_ROLES,
    _jsonable,
)
from zhengwu.cases.steps import (
    assign_step,
    attach_file,
    claim_step,
    complete_step,
    return_step,
)
from zhengwu.cases.submission import (
    QUERY_CODE_ALPHABET,
    _agent,
    _limits,
    check_upload,
    item_for_submit,
    missing_materials,
    save_draft,
    save_draft_for,
    submit_case,
    upload_material,
)
from zhengwu.cases.suspensions import (
    decide_extension,
    request_extension,
    resume_case,
    suspend_case,
)
from zhengwu.cases.written import PAPER_WAYS, print_notice, serve_notice

__all__ = [
    "CENT",
    "FINISHED",
    "HANDLER_ROLES",
    "PAPER_WAYS",
    "HEAD_ROLES",
    "INTAKE_ROLES",
    "MAX_FEE_AMOUNT",
    "QUERY_CODE_ALPHABET",
    "_agent",
    "_jsonable",
    "_limits",
    "_steps_payload",
    "_supplement_items",
    "accept_case",
    "restart_intake",
    "start_clock",
    "assign_step",
    "attach_file",
    "charge_fee",
    "correct_fee",
    "check_upload",
    "claim_step",
    "complete_case",
    "complete_step",
    "decide_case",
    "decide_extension",
    "serve_notice",
    "print_notice",
    "deem_accepted",
    "deliver_result",
    "handle_instantly",
    "import_case",
    "import_cases",
    "missing_materials",
    "recompute_for_year",
    "record_notice_charge",
    "refuse_case",
    "register_applicant",
    "register_verified",
    "request_extension",
    "request_supplement",
    "resume_case",
    "return_step",
    "save_draft",
    "save_draft_for",
    "submit_case",
    "item_for_submit",
    "supply_supplement",
    "supply_with_uploads",
    "suspend_case",
    "terminate_case",
    "upload_material",
    "verify_real_name",
    "withdraw_case",
]
