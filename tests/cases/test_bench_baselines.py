"""The plain-SQL baselines `make bench` prints beside the application's figures run on the schema as it is now.

They write and read the case tables by hand (bench/bench_cases.py), so a new NOT NULL column breaks them without any
other test noticing: `python -m bench caselist` stopped at `decided_onsite` (cases 0011) until this test was written.
"""

from bench.bench_cases import _lifecycle_sql, _status_sql

from zhengwu.cases.models import Case


def test_the_plain_sql_lifecycle_and_status_read_run_on_the_current_schema(world):
    ctx = {
        "item": world.item.pk,
        "version": world.item.current_version_id,
        "org": world.bureau.pk,
        "window": world.dedicated.pk,
        "applicant": world.company.pk,
        "org_path": world.bureau.path,
        "region_path": world.county.path,
    }
    number = _lifecycle_sql(ctx, 1)
    case = Case.objects.get(number=number)
    assert case.status == "completed"
    assert list(case.events.order_by("seq").values_list("action", flat=True)) == [
        "submit",
        "accept",
        "decide",
        "complete",
    ]
    assert case.steps.filter(state="done").count() == 2
    _status_sql(number)  # the status page's read, on the columns and tables it names
