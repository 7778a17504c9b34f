"""Fixtures of the API tests (tests/api/fixtures.py), shared by its modules."""

from tests.api.fixtures import (  # noqa: F401
    api_app,
    api_http,
    api_services,
    api_signer,
)
from tests.conftest_db import postgres_admin_url  # noqa: F401
