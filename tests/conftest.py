import pytest

from zhengwu.core import clock


@pytest.fixture(autouse=True)
def _clock_runs_free():
    """Every test starts with the real clock; tests that need a moment fix it with clock.frozen()."""
    clock.set_now(None)
    yield
    clock.set_now(None)
