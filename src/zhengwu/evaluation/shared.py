"""What every evaluation write shares: the role groups, the acting person and label, typed text and the scope check
(_require_in_scope). Used by the job modules behind evaluation/services.py."""

from __future__ import annotations

import functools
import logging

from zhengwu.core import access, actors, inputs
from zhengwu.core.models import Organisation, Role

RECTIFY_ROLES = (Role.DEPARTMENT_HEAD, Role.APPROVER, Role.CENTRE_MANAGER)
# 回访 of a bad rating's rectification is the centre's, across its region (their scope reaches every rated
# organisation); the 12345 desk calls back on its own tickets (tickets.record_follow_up) and has no such reach.
FOLLOW_UP_ROLES = (Role.CENTRE_MANAGER, Role.SUPERVISOR)
APPEAL_DECIDERS = (Role.CENTRE_MANAGER,)
COMMITMENT_EDITORS = (Role.DEPARTMENT_HEAD, Role.CENTRE_MANAGER)

log = logging.getLogger(__name__)


_actor = actors.acting_user


_label = functools.partial(actors.acting_label, anonymous="评价人", with_organisation=True)


_text = inputs.text


def _require_in_scope(by, organisation: Organisation, *roles: str):
    staff = access.require_role(by, *roles)
    access.require_organisation(by, organisation)
    return staff
