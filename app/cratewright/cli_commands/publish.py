"""`cratewright publish`, `upload` and `credentials`: maturin's/twine's flags over core.publish.

``publish`` builds the wheels (release, stripped, like maturin publish) and the sdist, checks
them and uploads them; ``upload FILES...`` does the last two steps for existing files;
``credentials`` manages the token kept in the system keyring under the repository's upload
URL, where command-line twine finds it too. A secret is never printed and is read from the
terminal without echo, or from standard input when that is not a terminal (for scripts).
"""

from __future__ import annotations

import argparse
import dataclasses
import getpass
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cratewright.cli_commands import never_echo_arguments
from cratewright.cli_commands.build import add_build_args, build_options_from_args
from cratewright.errors import CredentialsError
from cratewright.events import Event, EventSink, Progress

if TYPE_CHECKING:
    from cratewright.core.publish import CredentialRequest, PromptAnswer, Repository

__all__ = ["ORDER", "register"]

ORDER = 40

_FALSY = {"", "0", "false", "no"}


class _UploadConsole:
    """Draws upload progress in place on a terminal; every other event goes to the CLI sink."""

    def __init__(self, sink: EventSink, stream: Any = None) -> None:
        self._sink = sink
        self._stream = stream or sys.stderr
        self._tty = self._stream.isatty()

    def __call__(self, event: Event) -> None:
        if isinstance(event, Progress) and event.detail.endswith((".whl", ".tar.gz", ".zip")):
            if self._tty and event.total:
                percent = 100 * event.current // event.total
                line = f"\r\x1b[K    ⬆️  {event.detail} {percent:3d}%"
                self._stream.write(line[:120] + ("\n" if event.current >= event.total else ""))
                self._stream.flush()
            return
        self._sink(event)


def _env_flag(*names: str) -> bool:
    return any(os.environ.get(name, "").lower() not in _FALSY for name in names)


def _interactive(args: argparse.Namespace) -> bool:
    """Prompt only on a terminal, never with --non-interactive, in CI or when asked not to."""
    if args.non_interactive or _env_flag("TWINE_NON_INTERACTIVE", "MATURIN_NON_INTERACTIVE"):
        return False
    if os.environ.get("CI", "").lower() not in _FALSY:
        return False
    return sys.stdin is not None and sys.stdin.isatty()


def _terminal_prompt(request: CredentialRequest) -> PromptAnswer | None:
    """Ask on the terminal (no echo for the secret); says when it will not be kept."""
    from cratewright.core.publish import PromptAnswer

    repo = request.repository
    if not request.keyring.usable:
        print(
            f"⚠️  Warning: {request.keyring.reason}; what you enter is used for this upload only",
            file=sys.stderr,
        )
    username = request.username or input(f"Username for {repo.label}: ").strip()
    what = "API token" if repo.uses_tokens else "password"
    secret = getpass.getpass(f"Enter your {what} for {repo.label} ({repo.upload_url}): ")
    if not username or not secret:
        return None
    return PromptAnswer(username, secret, remember=request.keyring.usable)


def _repository(args: argparse.Namespace) -> Repository:
    from cratewright.core.publish import resolve_repository

    return resolve_repository(
        args.repository,
        args.repository_url,
        config_file=args.config_file,
        check_url=getattr(args, "check_url", None),
    )


def _warn_argv_password(args: argparse.Namespace, sink: EventSink) -> None:
    if getattr(args, "password", None):
        from cratewright.events import Message

        sink(Message(
            "warning",
            "⚠️  Warning: a password given with -p is visible in the process list; prefer "
            "`cratewright credentials set` (system keyring) or CRATEWRIGHT_PYPI_TOKEN",
        ))  # fmt: skip


def _upload(files: list[Path], args: argparse.Namespace, sink: EventSink) -> int:
    from cratewright.core.publish import UploadFailed, publish_files

    repository = _repository(args)
    _warn_argv_password(args, sink)
    interactive = _interactive(args)
    try:
        result = publish_files(
            files,
            repository,
            username=args.username,
            password=args.password,
            prompt=_terminal_prompt if interactive else None,
            non_interactive=not interactive,
            skip_existing=args.skip_existing,
            allow_insecure_http=args.allow_insecure_http,
            sink=_UploadConsole(sink),
        )
    except UploadFailed as exc:
        if exc.kind == "cancelled":
            print(f"error: {exc}", file=sys.stderr)
            return 130
        raise
    for url in result.project_urls:
        print(url, flush=True)
    return 0


def run_publish(args: argparse.Namespace, sink: EventSink) -> int:
    from cratewright.core.publish import build_distributions

    options = build_options_from_args(args)
    options = dataclasses.replace(
        options,
        release=options.release or not args.debug,
        strip=False if args.no_strip else (True if options.strip is None else options.strip),
    )
    from cratewright.core.publish import require_secure_transport

    # A bad or insecure -r/--repository-url fails before the build, not after it.
    require_secure_transport(_repository(args), allow_insecure_http=args.allow_insecure_http)
    files = build_distributions(options, sdist=not args.no_sdist, sink=sink)
    return _upload(files, args, sink)


def run_upload(args: argparse.Namespace, sink: EventSink) -> int:
    return _upload([Path(f) for f in args.files], args, sink)


def _read_secret(repository: Repository) -> str:
    """From the terminal without echo, else the first line of standard input."""
    what = "API token" if repository.uses_tokens else "password"
    if sys.stdin is not None and sys.stdin.isatty():
        secret = getpass.getpass(f"Enter the {what} for {repository.label}: ")
    else:
        secret = (sys.stdin.readline() if sys.stdin is not None else "").rstrip("\r\n")
    if not secret.strip():
        raise CredentialsError(f"No {what} was given on standard input; nothing was stored")
    return secret.strip()


def run_credentials(args: argparse.Namespace, sink: EventSink) -> int:
    from cratewright.core.publish import (
        TOKEN_USERNAME,
        delete_credential,
        store_credential,
        stored_username,
    )

    del sink
    repository = _repository(args)
    where = f"{repository.label} ({repository.upload_url})"
    if args.action == "set":
        username = args.username or repository.username or TOKEN_USERNAME
        status = store_credential(repository, username, _read_secret(repository))
        print(
            f"🔐 Stored the credential of {username} for {where} in the system keyring "
            f"({status.backend})",
            file=sys.stderr,
        )
        return 0
    if args.action == "show":
        found = stored_username(repository, args.username)
        if found is None:
            print(f"No credential is stored for {where}")
            return 1
        print(f"A credential for user {found} is stored for {where}")
        return 0
    deleted = delete_credential(repository, args.username)
    print(f"🗑️  Deleted the credential of {deleted} for {where}", file=sys.stderr)
    return 0


def _add_repository_args(parser: argparse.ArgumentParser, *, required: bool = False) -> None:
    group = parser.add_mutually_exclusive_group(required=required)
    group.add_argument(
        "-r",
        "--repository",
        help="repository name: pypi, testpypi or a ~/.pypirc section (default: pypi; "
        "also TWINE_REPOSITORY)",
    )
    group.add_argument(
        "--repository-url",
        help="upload URL of the index, overrides --repository (also TWINE_REPOSITORY_URL)",
    )
    parser.add_argument("--config-file", help="the .pypirc to read (default: ~/.pypirc)")


def _add_upload_args(parser: argparse.ArgumentParser) -> None:
    _add_repository_args(parser)
    add = parser.add_argument
    add("-u", "--username", help="username (PyPI/TestPyPI: __token__; also TWINE_USERNAME)")
    add(
        "-p",
        "--password",
        help="password or API token; visible in the process list, so prefer the keyring, "
        "CRATEWRIGHT_PYPI_TOKEN or TWINE_PASSWORD",
    )
    add(
        "--skip-existing",
        action="store_true",
        help="skip files already on the index (read from its simple index; works on any index)",
    )
    add("--check-url", help="simple index to look for existing files (default: derived)")
    add(
        "--allow-insecure-http",
        action="store_true",
        help="allow a plain http:// index that is not on this machine (sends the credential "
        "unencrypted)",
    )
    add(
        "--non-interactive",
        action="store_true",
        help="never prompt for credentials (also TWINE_NON_INTERACTIVE, or no terminal)",
    )


def register(sub: argparse._SubParsersAction) -> None:
    publish = sub.add_parser(
        "publish",
        help="build the wheels and the sdist, check them and upload them",
        conflict_handler="resolve",
    )
    add_build_args(publish)  # its -r (--release) gives way to -r/--repository below
    _add_upload_args(publish)
    publish.add_argument("--debug", action="store_true", help="do not build in release mode")
    publish.add_argument("--no-strip", action="store_true", help="do not strip the library")
    publish.add_argument("--no-sdist", action="store_true", help="do not build a source dist")
    publish.set_defaults(run=run_publish)

    upload = sub.add_parser("upload", help="check and upload existing wheels and sdists")
    upload.add_argument("files", nargs="+", type=Path, metavar="FILE", help="files to upload")
    _add_upload_args(upload)
    upload.set_defaults(run=run_upload)

    credentials = sub.add_parser(
        "credentials", help="store, show or delete the upload token kept in the system keyring"
    )
    never_echo_arguments(credentials)
    credentials.add_argument("action", choices=["set", "show", "delete"])
    _add_repository_args(credentials, required=True)
    credentials.add_argument("-u", "--username", help="username (default: __token__)")
    credentials.set_defaults(run=run_credentials)
