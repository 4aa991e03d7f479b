"""The whole demo (the county, then every domain's demo as `zhengwu demo` loads them), loaded once for the tests of
this package: the crawler and the checks of the demo itself share one load (~10 s on SQLite, ~20 s on PostgreSQL)
instead of loading it again in each module.

It is loaded at the suite's starting moment inside a transaction that is rolled back when the package ends, so the
rest of the suite still starts from an empty database; each test runs in a savepoint inside it. One xdist worker takes
the whole package (`--dist loadgroup` in scripts/test.sh), so the demo is loaded once per database per run.
"""

import time

import pytest
from django.core.cache import caches
from django.core.cache.backends.locmem import LocMemCache
from django.db import connections, transaction
from django.test import override_settings

from tests.conftest import TEST_START
from zhengwu.core import clock
from zhengwu.core.demo import DemoSummary, load_demo
from zhengwu.core.management.commands.demo import load_domain_demos


@pytest.hookimpl(tryfirst=True)  # the marks are set before xdist's worker reads the xdist_group ones
def pytest_collection_modifyitems(config, items):
    for item in items:
        if "tests/demo_site/" in item.nodeid:
            item.add_marker(pytest.mark.xdist_group("demo_site"))
            item.add_marker(pytest.mark.django_db)


class DemoSite:
    """What loading the demo said: the county's summary (logins …) and each domain's line."""

    def __init__(self, county: DemoSummary, lines: list[str], seconds: float):
        self.county, self.lines, self.seconds = county, lines, seconds


@pytest.fixture(scope="package")
def demo_site(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        atomics = [transaction.atomic(using=alias) for alias in connections]
        for atomic in atomics:
            atomic.__enter__()
        try:
            started = time.monotonic()
            # A package fixture is set up before the per-test clock: it starts the clock itself.
            clock.run_from(TEST_START)
            with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
                county = load_demo()
                lines = load_domain_demos()
            clock.set_now(None)
            site = DemoSite(county, lines, time.monotonic() - started)
            print(f"\ndemo loaded in {site.seconds:.1f} s")
            yield site
        finally:
            for alias in connections:
                transaction.set_rollback(True, using=alias)
            for atomic in reversed(atomics):
                atomic.__exit__(None, None, None)
            cache = caches["default"]
            if isinstance(
                cache, LocMemCache
            ):  # rate-limit counters the crawl ran up; a shared Redis is left alone
                cache.clear()
