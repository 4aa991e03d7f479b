"""Portal pages are rate-limited per address (sign-in, registration, lookup, rating): each test starts with no
requests counted, so what earlier tests sent does not count against it."""

import pytest
from django.core.cache import caches


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    caches["default"].clear()
    yield
    caches["default"].clear()
