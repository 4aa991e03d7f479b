"""The fixtures the API tests borrow from the domains' own tests."""

from tests.disclosure.conftest import government, org, region  # noqa: F401
from tests.tickets.conftest import world  # noqa: F401
