"""twine, imported only when something is sent, and the requests session every index call uses.

One place sets the session up (twine's User-Agent and GET retries, the credential, the
repository's CA bundle) and the connect/read timeouts twine itself leaves unset.
"""

from __future__ import annotations

from typing import Any

from cratewright.core.publish.credentials import Credential
from cratewright.core.publish.repositories import Repository
from cratewright.errors import ToolMissingError

__all__ = ["DEFAULT_TIMEOUT", "requests_session", "twine_modules"]

DEFAULT_TIMEOUT = (10.0, 300.0)


def twine_modules() -> Any:
    try:
        import twine.exceptions
        import twine.package
        import twine.repository
        import twine.utils
    except ImportError:
        raise ToolMissingError(
            "Uploading needs twine, which is not installed",
            hint="pip install 'cratewright[publish]'",
        ) from None
    return twine


def requests_session(repository: Repository, credential: Credential | None) -> Any:
    session = twine_modules().utils.make_requests_session()
    if credential is not None:
        session.auth = (credential.username, credential.password)
    if repository.ca_cert:
        session.verify = repository.ca_cert
    return session
