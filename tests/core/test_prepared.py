"""core.prepared: a read compiled once per connection reads what its queryset would, with each call's values."""

import pytest
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.db.models import Count, Value
from django.db.transaction import TransactionManagementError

from tests.factories import make_organisation, make_region, make_staff
from zhengwu.core.backends import StaffBackend
from zhengwu.core.models import Organisation, Role
from zhengwu.core.prepared import Prepared

pytestmark = pytest.mark.django_db


@pytest.fixture
def two():
    county = make_region("360681", "贵溪市")
    return (
        make_organisation("贵溪市市场监督管理局", region=county),
        make_organisation("贵溪市公安局", region=make_region("360602", "月湖区")),
    )


def _with_region(pk, *, counted=False):
    organisations = Organisation.objects.select_related("region")
    if counted:
        organisations = organisations.annotate(n_children=Count("children"))
    return organisations.filter(pk=pk)[:1]


def test_each_call_reads_its_own_row_with_what_is_selected_in_one_statement(two, django_assert_num_queries):
    market, police = two
    statement = Prepared(_with_region, int)
    statement.first(market.pk)  # compiled on the first call
    with django_assert_num_queries(1):
        found = statement.first(police.pk)
        assert (found.name, found.region.name) == ("贵溪市公安局", "月湖区")  # select_related: no second read
    assert statement.first(market.pk).region.name == "贵溪市"
    assert statement.first(str(market.pk)).pk == market.pk  # the converter: the session keeps the key as text
    assert statement.first(10**6) is None


def test_the_queryset_is_built_once_per_variant_and_each_variant_reads_its_own_columns(two):
    market, _police = two
    built = []

    def build(pk, *, counted=False):
        built.append(counted)
        return _with_region(pk, counted=counted)

    statement = Prepared(build, int)
    plain = [statement.first(market.pk) for _ in range(3)]
    counted = [statement.first(market.pk, counted=True) for _ in range(3)]
    assert (
        built.count(True) == 1 and built.count(False) <= 2
    )  # (once more to learn the model and its locking)
    assert not hasattr(plain[0], "n_children") and counted[-1].n_children == 0


def test_a_parameter_must_reach_the_sql_unchanged():
    # a lookup that rewrites its value ('%…%') or a value used twice cannot be bound per call
    contains = Prepared(lambda name: Organisation.objects.filter(name__contains=name), str)
    with pytest.raises(TypeError, match="once, unchanged"):
        contains.all("市场")
    twice = Prepared(
        lambda name: Organisation.objects.filter(name=name) | Organisation.objects.filter(short_name=name),
        str,
    )
    with pytest.raises(TypeError, match="found 2 times"):
        twice.all("公安局")


def test_annotations_with_constant_values_are_read_as_the_queryset_would(two):
    market, _police = two
    statement = Prepared(lambda pk: Organisation.objects.annotate(tag=Value("固定")).filter(pk=pk), int)
    assert [o.tag for o in statement.all(market.pk)] == ["固定"]


def test_a_locking_read_refuses_to_run_outside_a_transaction_as_django_does(two, monkeypatch):
    market, _police = two
    statement = Prepared(lambda pk: Organisation.objects.select_for_update().filter(pk=pk), int)
    with transaction.atomic():
        assert statement.first(market.pk).pk == market.pk
    # (the test itself runs in a transaction: the connection is made to say it is outside one)
    monkeypatch.setattr(connection, "get_autocommit", lambda: True)
    if connection.features.has_select_for_update:
        with pytest.raises(TransactionManagementError):
            statement.first(market.pk)
    else:  # SQLite has no FOR UPDATE (a write locks the database): Django runs such a read anywhere, and so do we
        assert statement.first(market.pk).pk == market.pk


def test_the_signed_in_person_reads_the_same_as_the_uncompiled_queryset(two):
    market, _police = two
    staff = make_staff("chief", market, roles=[Role.WINDOW_CLERK, Role.APPROVER])
    user = StaffBackend().get_user(staff.user.pk)
    assert user.username == "chief" and user.staff.organisation.region.name == "贵溪市"
    assert user.staff._role_codes == {Role.WINDOW_CLERK, Role.APPROVER}
    assert StaffBackend().get_user(get_user_model().objects.create_user("nobody").pk).username == "nobody"
    assert StaffBackend().get_user(10**6) is None


def test_on_postgresql_the_statement_is_prepared_on_the_server_and_still_logged_with_its_values(two):
    """The server parses and plans a prepared read once per connection (issue 20: the public status query's plan took
    0.53 ms, its execution 0.10 ms); the statement-count tests still see its text with the values in it."""
    if connection.vendor != "postgresql":
        pytest.skip("server-side prepared statements are PostgreSQL's")
    from django.test.utils import CaptureQueriesContext

    market, police = two
    statement = Prepared(_with_region, int)

    def prepared() -> int:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE '%%core_organisation%%'"
            )
            return cursor.fetchone()[0]

    before = prepared()
    for _ in range(3):  # prepare_threshold 2 (settings): prepared from the third run on
        assert statement.first(police.pk).name == "贵溪市公安局"
    assert prepared() == before + 1
    with CaptureQueriesContext(connection) as queries:
        assert statement.first(market.pk).region.name == "贵溪市"
    assert len(queries.captured_queries) == 1 and str(market.pk) in queries.captured_queries[0]["sql"]


def test_on_postgresql_every_statement_of_ours_finds_its_rows_by_an_index_in_its_one_plan_for_any_value():
    """PostgreSQL plans a prepared statement once for any value after five calls (a generic plan). A statement whose
    index is partial (the idempotency key's: keys that are not empty) could not use it in that plan and read every
    case — submit's p50 doubled from 10^4 to 10^5 cases (issue 20). Each of our statements with parameters is planned
    generically here, sequential scans off, and must look up at least one of its parameters in an index."""
    if connection.vendor != "postgresql":
        pytest.skip("generic plans of prepared statements are PostgreSQL's")
    import re

    import zhengwu.urls  # noqa: F401 — every module with a statement imported

    ours = [s for s in Prepared.made if s.build.__module__.startswith("zhengwu.") and s.converters]
    assert len(ours) >= 5, [s.build.__module__ for s in ours]
    with connection.cursor() as cursor:
        cursor.execute("SET plan_cache_mode = force_generic_plan")
        cursor.execute("SET enable_seqscan = off")
        try:
            for n, statement in enumerate(ours):
                compiled = statement._statement("default", {})
                numbers = iter(range(1, 1000))
                sql = re.sub(
                    r"%[%s]",
                    lambda m, numbers=numbers: "%" if m.group() == "%%" else f"${next(numbers)}",
                    compiled.sql,
                )
                cursor.execute(f"PREPARE zw_generic_{n} AS {sql}")
                cursor.execute(
                    f"EXPLAIN EXECUTE zw_generic_{n}({', '.join(['%s'] * len(compiled.params))})",
                    compiled.params,
                )
                plan = "\n".join(row[0] for row in cursor.fetchall())
                asked = {f"${p + 1}" for p in compiled.positions}
                indexed = [
                    line
                    for line in plan.splitlines()
                    if "Index Cond" in line and any(a in line for a in asked)
                ]
                assert indexed, (
                    f"{statement.build.__module__}: no parameter looked up by an index\n{sql}\n{plan}"
                )
                cursor.execute(f"DEALLOCATE zw_generic_{n}")
        finally:
            cursor.execute("RESET plan_cache_mode")
            cursor.execute("RESET enable_seqscan")
