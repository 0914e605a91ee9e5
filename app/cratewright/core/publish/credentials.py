"""Who uploads: twine's credential order, with the system keyring as the only store.

Resolution follows twine so that a token works the same here and in command-line twine:
the explicit value (``-u``/``-p``), the environment (``CRATEWRIGHT_PYPI_TOKEN``,
``MATURIN_PYPI_TOKEN``, ``TWINE_USERNAME``/``TWINE_PASSWORD``), ``.pypirc``, the keyring
under the repository's upload URL, then a prompt that the front provides (a dialog, a
terminal prompt) and that is never used in non-interactive mode.

Secrets are only ever held in memory and handed to the keyring. A backend that would write
them in plain text, or no backend at all, is refused with a reason; the front then offers to
use the token for this upload only. Every keyring call runs in a helper thread with a
timeout, because a locked Secret Service can wait forever for an unlock prompt.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, TypeVar

from cratewright.core.publish.repositories import Repository
from cratewright.errors import CredentialsError, ToolMissingError
from cratewright.events import EventSink, Message, null_sink

__all__ = [
    "KEYRING_TIMEOUT",
    "TOKEN_ENV",
    "TOKEN_USERNAME",
    "Credential",
    "CredentialPrompt",
    "CredentialRequest",
    "KeyringStatus",
    "PromptAnswer",
    "delete_credential",
    "find_credential",
    "keyring_status",
    "load_stored_credential",
    "resolve_credential",
    "store_credential",
    "stored_username",
]

TOKEN_USERNAME = "__token__"
TOKEN_ENV = "CRATEWRIGHT_PYPI_TOKEN"
KEYRING_TIMEOUT = 10.0

_TOKEN_ENVS = (TOKEN_ENV, "MATURIN_PYPI_TOKEN")
_USERNAME_ENVS = ("TWINE_USERNAME", "MATURIN_USERNAME")
_PASSWORD_ENVS = ("TWINE_PASSWORD", "MATURIN_PASSWORD")

CredentialSource = Literal["explicit", "environment", "pypirc", "keyring", "prompt"]
T = TypeVar("T")


@dataclass(frozen=True)
class Credential:
    """A username and its secret; ``repr`` never shows the secret.

    Attributes:
        remember: a prompted secret the user asked to keep; stored once the server accepted it.
    """

    username: str
    password: str = field(repr=False)
    source: CredentialSource = "explicit"
    remember: bool = False


@dataclass(frozen=True)
class KeyringStatus:
    """Whether the keyring may hold secrets, and which backend keyring picked."""

    usable: bool
    backend: str
    reason: str = ""


@dataclass(frozen=True)
class CredentialRequest:
    """What a prompt is told: where to, which user (if known) and why it is asked."""

    repository: Repository
    username: str | None
    keyring: KeyringStatus
    reason: str


@dataclass(frozen=True)
class PromptAnswer:
    """What the user typed; ``remember`` asks to keep it in the keyring."""

    username: str
    password: str = field(repr=False)
    remember: bool = True


CredentialPrompt = Callable[[CredentialRequest], "PromptAnswer | None"]


class _Timeout(Exception):
    pass


def _keyring_module() -> Any:
    try:
        import keyring
    except ImportError:
        raise ToolMissingError(
            "Storing tokens needs the keyring package, which is not installed",
            hint="pip install 'cratewright[publish]'",
        ) from None
    return keyring


def _with_timeout(function: Callable[[], T], timeout: float) -> T:
    """Run a keyring call in a daemon thread; a hung D-Bus call must not hang us."""
    outcome: dict[str, Any] = {}

    def target() -> None:
        try:
            outcome["value"] = function()
        except BaseException as exc:  # handed back to the caller's thread
            outcome["error"] = exc

    thread = threading.Thread(target=target, name="cratewright-keyring", daemon=True)
    thread.start()
    thread.join(timeout)
    if thread.is_alive():
        raise _Timeout
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]


def _backend_label(backend: Any) -> str:
    name = getattr(backend, "name", None)
    return str(name) if name else type(backend).__name__


def _verdict(backend: Any) -> KeyringStatus:
    """Refuse backends that would not keep a secret safe, or that cannot work at all."""
    from keyring.backends import chainer, fail, null

    label = _backend_label(backend)
    qualified = f"{type(backend).__module__}.{type(backend).__name__}".lower()
    if isinstance(backend, chainer.ChainerBackend):
        parts = list(backend.backends)
        if not parts:
            return _verdict(fail.Keyring())
        for part in parts:
            verdict = _verdict(part)
            if not verdict.usable:
                return KeyringStatus(False, label, verdict.reason)
        return KeyringStatus(True, " + ".join(_backend_label(p) for p in parts))
    if isinstance(backend, fail.Keyring):
        return KeyringStatus(
            False,
            label,
            "no system keyring is available (on Linux the Secret Service of GNOME Keyring "
            "or KWallet needs a running D-Bus session)",
        )
    if isinstance(backend, null.Keyring):
        return KeyringStatus(False, label, "the keyring is disabled (null backend)")
    if any(word in qualified for word in ("plaintext", "insecure", "keyrings.alt")):
        return KeyringStatus(
            False,
            label,
            f"the keyring backend {label} keeps secrets in a plain or weakly protected "
            "file, which cratewright does not use",
        )
    if "cryptfile" in qualified:
        return KeyringStatus(
            False, label, f"the keyring backend {label} asks for its own password on the terminal"
        )
    return KeyringStatus(True, label)


def keyring_status(*, timeout: float = KEYRING_TIMEOUT) -> KeyringStatus:
    """Which backend keyring uses here and whether cratewright may store secrets in it."""
    keyring = _keyring_module()
    try:
        backend = _with_timeout(keyring.get_keyring, timeout)
    except _Timeout:
        reason = f"the system keyring did not answer in {timeout:g} s"
        return KeyringStatus(False, "unknown", reason)
    except Exception as exc:
        return KeyringStatus(False, "unknown", f"the system keyring failed to start: {exc}")
    return _verdict(backend)


def _usable_backend(timeout: float) -> Any:
    """The keyring backend, or CredentialsError saying why it may not be used."""
    status = keyring_status(timeout=timeout)
    if not status.usable:
        raise CredentialsError(
            f"Cannot use the system keyring: {status.reason}",
            hint=f"pass the token for one upload with {TOKEN_ENV} or -p instead",
        )
    return _keyring_module().get_keyring()


def _keyring_call(function: Callable[[], T], what: str, timeout: float) -> T:
    """Run one keyring operation, turning every keyring failure into CredentialsError."""
    keyring = _keyring_module()
    try:
        return _with_timeout(function, timeout)
    except _Timeout:
        raise CredentialsError(
            f"The system keyring did not answer within {timeout:g} s while {what}; it may be "
            "locked and waiting for an unlock prompt",
            hint="unlock the keyring (log in to the desktop session) and try again",
        ) from None
    except keyring.errors.KeyringLocked:
        raise CredentialsError(
            f"The system keyring is locked ({what})",
            hint="unlock it, e.g. by logging in to the desktop session, and try again",
        ) from None
    except CredentialsError:
        raise
    except Exception as exc:
        detail = str(exc) or type(exc).__name__
        raise CredentialsError(f"The system keyring failed while {what}: {detail}") from None


def stored_username(
    repository: Repository, username: str | None = None, *, timeout: float = KEYRING_TIMEOUT
) -> str | None:
    """The username of the credential stored for the repository, if any (no secret read).

    With ``username`` given only that user is looked for; otherwise the one twine would pick
    (``__token__`` first for PyPI/TestPyPI, else any credential stored under the URL).
    """
    backend = _usable_backend(timeout)
    service = repository.upload_url

    def lookup() -> str | None:
        for candidate in _candidates(repository, username):
            if backend.get_password(service, candidate) is not None:
                return candidate
        if username is None:
            found = backend.get_credential(service, None)
            if found is not None and found.username:
                return str(found.username)
        return None

    return _keyring_call(lookup, f"looking up the credential for {repository.label}", timeout)


def _candidates(repository: Repository, username: str | None) -> list[str]:
    if username:
        return [username]
    return [TOKEN_USERNAME] if repository.uses_tokens else []


def load_stored_credential(
    repository: Repository, username: str | None = None, *, timeout: float = KEYRING_TIMEOUT
) -> Credential | None:
    """The credential stored in the keyring for the repository, or None."""
    backend = _usable_backend(timeout)
    service = repository.upload_url

    def lookup() -> Credential | None:
        for candidate in _candidates(repository, username):
            secret = backend.get_password(service, candidate)
            if secret is not None:
                return Credential(candidate, secret, "keyring")
        if username is None:
            found = backend.get_credential(service, None)
            if found is not None and found.username and found.password is not None:
                return Credential(str(found.username), str(found.password), "keyring")
        return None

    return _keyring_call(lookup, f"reading the credential for {repository.label}", timeout)


def store_credential(
    repository: Repository,
    username: str,
    password: str,
    *,
    timeout: float = KEYRING_TIMEOUT,
) -> KeyringStatus:
    """Keep a secret in the keyring under (upload URL, username), where twine looks too.

    Raises:
        CredentialsError: empty secret, insecure/missing backend, locked or failing keyring.
    """
    if not password or not password.strip():
        raise CredentialsError("The token (password) is empty; nothing was stored")
    if not username:
        raise CredentialsError("The username is empty; nothing was stored")
    status = keyring_status(timeout=timeout)
    backend = _usable_backend(timeout)
    _keyring_call(
        lambda: backend.set_password(repository.upload_url, username, password.strip()),
        f"storing the credential for {repository.label}",
        timeout,
    )
    return status


def delete_credential(
    repository: Repository, username: str | None = None, *, timeout: float = KEYRING_TIMEOUT
) -> str:
    """Remove the stored credential; returns the username it belonged to.

    Raises:
        CredentialsError: nothing stored, or the keyring failed.
    """
    found = stored_username(repository, username, timeout=timeout)
    if found is None:
        who = f" for user {username}" if username else ""
        raise CredentialsError(
            f"No credential{who} is stored for {repository.label} ({repository.upload_url})"
        )
    backend = _usable_backend(timeout)
    _keyring_call(
        lambda: backend.delete_password(repository.upload_url, found),
        f"deleting the credential for {repository.label}",
        timeout,
    )
    return found


def _first_env(environ: Mapping[str, str], names: tuple[str, ...]) -> str | None:
    for name in names:
        value = environ.get(name)
        if value:
            return value
    return None


def find_credential(
    repository: Repository,
    *,
    username: str | None = None,
    password: str | None = None,
    environ: Mapping[str, str] | None = None,
    use_keyring: bool = True,
    timeout: float = KEYRING_TIMEOUT,
    sink: EventSink = null_sink,
) -> Credential | CredentialRequest:
    """Everything but the prompt: a Credential, or a request saying what is missing and why.

    Never raises for an unusable or locked keyring: that is reported in the request, so the
    front can offer to use a token for this upload only.
    """
    env = os.environ if environ is None else environ
    username = username or _first_env(env, _USERNAME_ENVS)
    if password:
        if not username:
            username = TOKEN_USERNAME if repository.uses_tokens else repository.username
        if username:
            return Credential(username, password, "explicit")
    token = _first_env(env, _TOKEN_ENVS)
    if token and username in (None, TOKEN_USERNAME):
        return Credential(TOKEN_USERNAME, token, "environment")
    env_password = _first_env(env, _PASSWORD_ENVS)
    if not username:
        username = TOKEN_USERNAME if repository.uses_tokens else repository.username
    if env_password and username:
        return Credential(username, env_password, "environment")
    if repository.password and username:
        return Credential(username, repository.password, "pypirc")

    status = KeyringStatus(False, "not used", "the keyring was not consulted")
    if use_keyring:
        status = keyring_status(timeout=timeout)
    if status.usable:
        try:
            stored = load_stored_credential(repository, username, timeout=timeout)
        except CredentialsError as exc:
            status = KeyringStatus(False, status.backend, exc.message)
        else:
            if stored is not None:
                return stored
    if status.usable:
        reason = f"No credential is stored for {repository.label} ({repository.upload_url})"
    else:
        reason = f"The system keyring cannot be used: {status.reason}"
        sink(Message("warning", f"⚠️  Warning: {reason}"))
    return CredentialRequest(repository, username, status, reason)


def resolve_credential(
    repository: Repository,
    *,
    username: str | None = None,
    password: str | None = None,
    environ: Mapping[str, str] | None = None,
    prompt: CredentialPrompt | None = None,
    non_interactive: bool = False,
    use_keyring: bool = True,
    timeout: float = KEYRING_TIMEOUT,
    sink: EventSink = null_sink,
) -> Credential:
    """The credential to upload with, in twine's order, asking ``prompt`` last.

    Raises:
        CredentialsError: nothing found and no prompt allowed, or the prompt was cancelled.
    """
    found = find_credential(
        repository,
        username=username,
        password=password,
        environ=environ,
        use_keyring=use_keyring,
        timeout=timeout,
        sink=sink,
    )
    if isinstance(found, Credential):
        return found
    if prompt is None or non_interactive:
        what = "API token" if repository.uses_tokens else "password"
        raise CredentialsError(
            f"{found.reason}, and prompting for the {what} is off (non-interactive mode)",
            hint=(
                f"set {TOKEN_ENV}, pass -u/-p, or store one with `cratewright credentials set "
                f"--repository-url {repository.upload_url}`"
            ),
        )
    answer = prompt(found)
    if answer is None:
        raise CredentialsError("No credential was entered; nothing was uploaded")
    if not answer.username or not answer.password:
        raise CredentialsError("An empty username or token was entered; nothing was uploaded")
    return Credential(
        answer.username,
        answer.password.strip(),
        "prompt",
        remember=answer.remember and found.keyring.usable,
    )
