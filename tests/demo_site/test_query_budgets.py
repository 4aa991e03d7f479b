"""Query-count budgets on the pages and lists that grow with the data (issue 15.4): the workbench's case page and
every queue, the portal's lists and the API's lists, each measured on the whole demo and held a little above what it
costs now. A page that starts querying per row fails here long before it is slow in a county.

The budgets were measured on SQLite (`pytest tests/demo_site/test_query_budgets.py -s` prints each count); a new
per-row query on any of them adds tens, so the margin of a few queries (about 15 %) catches it."""

import pytest
from django.contrib.auth import get_user_model

from zhengwu.cases import selectors as case_selectors
from zhengwu.cases.models import Status

CASE_PAGE = "CASE_PAGE"
JOINT_PAGE = "JOINT_PAGE"  # a joint case (联办件) being handled, as its lead window sees it

# (who, path, budget): the demo's accounts (tests/demo_site/test_crawl.py ROLES), None for a visitor.
PAGES = [
    # the workbench: the case page and each queue
    ("clerk", CASE_PAGE, 40),  # 36 since the delivery card and the licences already held (walk-through fixes)
    # 96: each member's case, materials, notices, licences and steps, and the rules of every form (joint.permissions)
    ("market", JOINT_PAGE, 110),
    *[("clerk", f"/workbench/cases/?queue={q}", 24) for q in case_selectors.QUEUES],
    *[("head", f"/workbench/cases/?queue={q}", 24) for q in case_selectors.QUEUES],
    ("hotline", "/workbench/tickets/dispatch/", 19),
    ("hotline", "/workbench/tickets/queues/", 19),
    ("hotline", "/workbench/tickets/first-answer/", 17),
    ("supervisor", "/workbench/supervision/alerts/", 18),
    ("supervisor", "/workbench/supervision/orders/", 17),
    ("supervisor", "/workbench/supervision/cases/", 18),
    ("disclosure", "/workbench/disclosure/requests/", 16),
    ("disclosure", "/workbench/disclosure/publications/", 14),
    ("manager", "/workbench/evaluation/", 19),
    ("manager", "/workbench/evaluation/ratings/", 15),
    ("manager", "/workbench/evaluation/appeals/", 15),
    ("market", "/workbench/catalog/", 16),
    ("approver", "/workbench/catalog/review/", 13),
    # the portal's lists
    (None, "/services/", 4),
    (None, "/services/changes/", 5),
    (None, "/disclosure/", 6),
    (None, "/interaction/mailbox/", 4),
    (None, "/interaction/faq/", 4),
    (None, "/rate/commitments/", 5),
    # the API's lists
    ("clerk", "/api/cases", 13),
    ("hotline", "/api/tickets/", 14),
    ("hotline", "/api/tickets/queues", 19),
    ("supervisor", "/api/supervision/alerts", 13),
    ("supervisor", "/api/supervision/orders", 13),
    ("manager", "/api/evaluation/ratings", 13),
    (None, "/api/catalog/items", 6),
    (None, "/api/disclosure/publications", 3),
]


def _path(user, path: str) -> str:
    if path == JOINT_PAGE:
        from zhengwu.joint.models import JointCase, Phase

        joint = (
            JointCase.objects.filter(phase=Phase.HANDLING, lead_organisation__staff__user=user)
            .order_by("pk")
            .first()
        )
        return f"/workbench/joint/{joint.number}/"
    if path != CASE_PAGE:
        return path
    case = case_selectors.visible_cases(user).filter(status=Status.ACCEPTED).order_by("pk").first()
    return f"/workbench/cases/{case.number}/"


@pytest.mark.parametrize(
    ("username", "path", "budget"), PAGES, ids=[f"{u or 'visitor'} {p}" for u, p, _ in PAGES]
)
def test_each_list_stays_within_its_query_budget(
    demo_site, client, django_assert_max_num_queries, username, path, budget
):
    user = get_user_model().objects.get(username=username) if username else None
    if user is not None:
        client.force_login(user)
    path = _path(user, path)
    client.get(path)  # the first answer fills per-process caches (the calendar, the catalogue's vocabularies)
    with django_assert_max_num_queries(budget) as queries:
        response = client.get(path)
    assert response.status_code == 200, path
    print(f"\n{username or 'visitor'} {path}: {len(queries)} queries (budget {budget})")
