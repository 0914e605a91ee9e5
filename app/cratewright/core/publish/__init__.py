"""Publishing: repositories, credentials (system keyring only), pre-flight checks, upload.

The modules import twine and keyring only when a function needs them, so the engine and the
PEP 517 backend work without the ``publish`` extra.
"""

from __future__ import annotations

from cratewright.core.publish.checks import (
    FileCheck,
    check_distribution,
    check_distributions,
    ensure_uploadable,
)
from cratewright.core.publish.credentials import (
    KEYRING_TIMEOUT,
    TOKEN_ENV,
    TOKEN_USERNAME,
    Credential,
    CredentialPrompt,
    CredentialRequest,
    KeyringStatus,
    PromptAnswer,
    delete_credential,
    find_credential,
    keyring_status,
    load_stored_credential,
    resolve_credential,
    store_credential,
    stored_username,
)
from cratewright.core.publish.index_files import existing_files
from cratewright.core.publish.repositories import (
    PYPI,
    PYPI_UPLOAD_URL,
    TESTPYPI,
    TESTPYPI_UPLOAD_URL,
    Repository,
    insecure_transport_problem,
    list_repositories,
    read_pypirc,
    repository_from_url,
    require_secure_transport,
    resolve_repository,
)
from cratewright.core.publish.upload import (
    FileUpload,
    UploadFailed,
    UploadResult,
    upload_distributions,
)
from cratewright.core.publish.workflow import (
    build_distributions,
    publish_files,
    remember_credential,
    sdist_supported,
)

__all__ = [
    "KEYRING_TIMEOUT",
    "PYPI",
    "PYPI_UPLOAD_URL",
    "TESTPYPI",
    "TESTPYPI_UPLOAD_URL",
    "TOKEN_ENV",
    "TOKEN_USERNAME",
    "Credential",
    "CredentialPrompt",
    "CredentialRequest",
    "FileCheck",
    "FileUpload",
    "KeyringStatus",
    "PromptAnswer",
    "Repository",
    "UploadFailed",
    "UploadResult",
    "build_distributions",
    "check_distribution",
    "check_distributions",
    "delete_credential",
    "ensure_uploadable",
    "existing_files",
    "find_credential",
    "insecure_transport_problem",
    "keyring_status",
    "list_repositories",
    "load_stored_credential",
    "publish_files",
    "read_pypirc",
    "remember_credential",
    "repository_from_url",
    "require_secure_transport",
    "resolve_credential",
    "resolve_repository",
    "sdist_supported",
    "store_credential",
    "stored_username",
    "upload_distributions",
]
