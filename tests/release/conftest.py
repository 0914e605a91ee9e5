"""Fixtures of the release tests (implemented in helpers.py and tests/publish/fixtures.py)."""

from __future__ import annotations

from tests.publish.fixtures import (  # noqa: F401 - pytest finds fixtures by name
    keyring_session,
    pypi_server,
)
from tests.release.helpers import indexes  # noqa: F401
