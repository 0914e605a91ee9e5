"""Fixtures of the publish tests (implemented in fixtures.py, shared with tests/gui)."""

from __future__ import annotations

from tests.publish.fixtures import (  # noqa: F401 - pytest finds fixtures by name
    isolated_env,
    keyring_session,
    leak_guard,
    pypi_server,
)
