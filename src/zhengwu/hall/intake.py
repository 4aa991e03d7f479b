"""Applications received with the applicant's delivery choice (送达方式), each in one write: at the counter
(窗口收件: the applicant registered, the case, the materials handed over, what the licence library holds, the choice)
and online (the draft saved with its files, then submitted with the choice). The interfaces call one of these per
request; it owns the transaction, so a refusal leaves nothing half-written."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction

from zhengwu.cases import handling, library, services
from zhengwu.cases.models import Case
from zhengwu.catalog.models import ServiceItem
from zhengwu.core.errors import DomainError, ValidationFailed
from zhengwu.hall import delivery as hall_delivery


def receive_at_counter(
    *,
    item: ServiceItem,
    applicant: dict,
    by,
    form: dict,
    agent: dict | None,
    window,
    idempotency_key: str,
    files: dict,
    delivery: dict | None,
    paper: list[int] | tuple = (),
    licence: str = "",
) -> Case:
    """窗口收件: register the applicant (`applicant`: register_applicant's details; no account needed), submit their
    case with the materials handed over (`files`: position → upload; a refused file names its field
    material_<position>; `paper`: the positions handed over on paper, 已收纸质件, recorded with the submit), fill
    what the licence library holds (免提交) and record the delivery choice (`delivery`: hall.delivery.choose's
    method, address, reason; None when not chosen; `licence`: the number of the licence the applicant uses, when
    they hold several of its type — cases.library.chosen_at_counter) — all of it or none."""
    with transaction.atomic():
        registered = services.register_applicant(**applicant, by=by)
        prefer = library.chosen_at_counter(registered, item.current_version, licence)
        case = services.submit_case(
            item=item,
            applicant=registered,
            by=by,
            form=form,
            agent=agent,
            channel="counter",
            window=window,
            idempotency_key=idempotency_key,
            paper=paper,
            prefer=prefer,
        )
        for position, upload in files.items():
            try:
                services.upload_material(case=case, by=by, position=position, upload=upload)
            except ValidationFailed as err:
                raise ValidationFailed(err.message, field=f"material_{position}") from None
        library.fill(case, by, prefer=prefer)
        if delivery is not None:
            hall_delivery.choose(case=case, **delivery, by=by)
    return case


def submit_online(
    *,
    item: ServiceItem,
    draft: Case,
    by,
    form: dict,
    agent: dict | None,
    idempotency_key: str,
    delivery: dict | None,
    prefer: str = "",
) -> Case:
    """Submit an online draft (for whom it was saved) with the applicant's delivery choice: the case and its
    choice, or neither. `prefer`: the licence a renewal link names (the submission's checks are on that one)."""
    with transaction.atomic():
        case = services.submit_case(
            item=item,
            applicant=draft.applicant,
            by=by,
            form=form,
            agent=agent,
            idempotency_key=idempotency_key,
            draft=draft,
            prefer=prefer,
        )
        if delivery is not None:
            hall_delivery.choose(case=case, **delivery, by=by)
    return case


@dataclass
class Online:
    """What apply_online did: the draft as saved (with every file that passed), the case when it was submitted, the
    files refused (material field → why) and the refusal of the submission or of the delivery choice, if any."""

    draft: Case
    case: Case | None = None
    refused_files: dict[str, str] = field(default_factory=dict)
    refused: DomainError | None = None


def apply_online(
    *,
    item: ServiceItem,
    applicant,
    principal: dict | None,
    by,
    form: dict,
    agent: dict | None,
    draft: Case | None,
    files: dict,
    power_of_attorney=None,
    prefer: str = "",
    submit: bool,
    idempotency_key: str,
    delivery: dict | None,
) -> Online:
    """网上申报, one transaction: save the draft (for the account holder, or for the `principal` an agent names), fill
    what the licence library holds (免提交; `prefer`: the licence a renewal link names), upload the files chosen
    (`files`: position → upload; `power_of_attorney`: the agent's 授权委托书) — a refused file is reported at its own
    field and the others still go in; a file for a material taken on paper only (载体 纸质, handling.at_window_only)
    is refused so, the original is brought to the window — and then, when every file passed, submit the case with its delivery choice
    (`submit`), or record the choice on the draft. A refused submission or choice is reported with the draft kept as
    saved, so the applicant need not choose the files again; a refused draft leaves nothing."""
    from zhengwu.cases.models import POWER_OF_ATTORNEY

    with transaction.atomic():
        saved = services.save_draft_for(
            item=item, applicant=applicant, principal=principal, by=by, form=form, agent=agent, draft=draft
        )
        library.fill(saved, by, prefer=prefer)
        outcome = Online(draft=saved)
        chosen = dict(files)
        if power_of_attorney is not None:
            chosen[POWER_OF_ATTORNEY] = power_of_attorney
        at_window = handling.at_window_only(saved.version)
        for position, upload in chosen.items():
            name = "power_of_attorney" if position == POWER_OF_ATTORNEY else f"material_{position}"
            if (
                position in at_window
            ):  # taken on paper only (载体 纸质): brought to the window, no file stands for it
                refusal = handling.paper_only_refusal(saved, position, field=name)
                outcome.refused_files[name] = refusal.message
                continue
            try:
                with transaction.atomic():
                    services.upload_material(case=saved, by=by, position=position, upload=upload)
            except ValidationFailed as err:
                outcome.refused_files[name] = err.message
        if outcome.refused_files:
            return outcome
        try:
            with transaction.atomic():  # the draft stays as saved when this is refused
                if submit:
                    outcome.case = submit_online(
                        item=item,
                        draft=saved,
                        by=by,
                        form=form,
                        agent=agent,
                        idempotency_key=idempotency_key,
                        delivery=delivery,
                        prefer=prefer,
                    )
                elif delivery is not None:
                    hall_delivery.choose(case=saved, **delivery, by=by)
        except DomainError as err:
            outcome.refused = err
    return outcome
