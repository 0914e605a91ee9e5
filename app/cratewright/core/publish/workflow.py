"""The whole publish step in the order that keeps mistakes cheap.

Files are checked first (no network, no credential needed, so a broken file costs
nothing), then the credential is resolved, then the files are uploaded. A token the user
typed at a prompt and asked to keep is stored in the keyring only once the server has
accepted it, so a mistyped token never ends up saved.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from cratewright.core.publish.checks import check_distributions, ensure_uploadable
from cratewright.core.publish.credentials import (
    KEYRING_TIMEOUT,
    Credential,
    CredentialPrompt,
    resolve_credential,
    store_credential,
)
from cratewright.core.publish.repositories import Repository, require_secure_transport
from cratewright.core.publish.session import DEFAULT_TIMEOUT
from cratewright.core.publish.upload import (
    UploadFailed,
    UploadResult,
    upload_distributions,
)
from cratewright.errors import CredentialsError
from cratewright.events import CancelToken, EventSink, Message, null_sink

if TYPE_CHECKING:
    from cratewright.core.build.plan import BuildOptions

__all__ = ["build_distributions", "publish_files", "remember_credential", "sdist_supported"]


def sdist_supported() -> bool:
    """True once this version can build source distributions."""
    return importlib.util.find_spec("cratewright.core.sdist.assemble") is not None


def build_distributions(
    options: BuildOptions,
    *,
    sdist: bool = True,
    sink: EventSink = null_sink,
    cancel: CancelToken | None = None,
) -> list[Path]:
    """Build the wheels of ``options`` and, unless told not to, the sdist (maturin publish)."""
    from cratewright.core.build.builder import build_wheels
    from cratewright.core.build.plan import plan_build

    plan = plan_build(options, sink=sink)
    files = [wheel.path for wheel in build_wheels(plan, sink=sink, cancel=cancel)]
    if sdist and sdist_supported():
        from cratewright.core.sdist.assemble import build_sdist  # type: ignore[import-not-found]

        files.append(build_sdist(options.manifest_path, plan.out_dir, sink=sink, cwd=options.cwd))
    elif sdist:
        sink(Message(
            "warning",
            "⚠️  Warning: this version cannot build source distributions yet; "
            "publishing the wheels only",
        ))  # fmt: skip
    return files


def remember_credential(
    repository: Repository,
    credential: Credential,
    *,
    timeout: float = KEYRING_TIMEOUT,
    sink: EventSink = null_sink,
) -> bool:
    """Store a prompted credential the user asked to keep; a failure is only a warning."""
    try:
        status = store_credential(
            repository, credential.username, credential.password, timeout=timeout
        )
    except CredentialsError as exc:
        sink(Message("warning", f"⚠️  Warning: the token was not stored: {exc.message}"))
        return False
    sink(Message(
        "info",
        f"🔐 Stored the credential of {credential.username} for {repository.label} in the "
        f"system keyring ({status.backend})",
    ))  # fmt: skip
    return True


def publish_files(
    paths: Sequence[Path],
    repository: Repository,
    *,
    credential: Credential | None = None,
    username: str | None = None,
    password: str | None = None,
    environ: Mapping[str, str] | None = None,
    prompt: CredentialPrompt | None = None,
    non_interactive: bool = False,
    skip_existing: bool = False,
    allow_insecure_http: bool = False,
    timeout: tuple[float, float] = DEFAULT_TIMEOUT,
    keyring_timeout: float = KEYRING_TIMEOUT,
    sink: EventSink = null_sink,
    cancel: CancelToken | None = None,
) -> UploadResult:
    """Check, resolve the credential (unless given), upload; the CLI's and GUI's one path.

    Raises:
        PublishError: a file would be refused (nothing sent), or the upload failed
            (:class:`UploadFailed` with per-file results).
        CredentialsError: no credential and no prompt allowed.
    """
    require_secure_transport(repository, allow_insecure_http=allow_insecure_http)
    checks = check_distributions(paths, repository=repository, sink=sink)
    ensure_uploadable(checks)
    if credential is None:
        credential = resolve_credential(
            repository,
            username=username,
            password=password,
            environ=environ,
            prompt=prompt,
            non_interactive=non_interactive,
            timeout=keyring_timeout,
            sink=sink,
        )
    try:
        result = upload_distributions(
            [c.path for c in checks],
            repository,
            credential,
            skip_existing=skip_existing,
            allow_insecure_http=allow_insecure_http,
            timeout=timeout,
            sink=sink,
            cancel=cancel,
        )
    except UploadFailed as exc:
        if credential.remember and exc.kind != "auth" and exc.result.uploaded:
            remember_credential(repository, credential, timeout=keyring_timeout, sink=sink)
        raise
    if credential.remember:
        remember_credential(repository, credential, timeout=keyring_timeout, sink=sink)
    uploaded, skipped = len(result.uploaded), len(result.skipped)
    summary = f"✨ Uploaded {uploaded} file(s) to {repository.label}"
    if skipped:
        summary += f", skipped {skipped} already there"
    sink(Message("info", summary))
    for url in result.project_urls:
        sink(Message("info", f"🌐 {url}"))
    return result
