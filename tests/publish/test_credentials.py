"""Credentials against a real Secret Service (gnome-keyring on a private D-Bus session)."""

from __future__ import annotations

import json
import secrets
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from keyring.backend import KeyringBackend
from keyring.backends import fail

from cratewright.core.publish import (
    TESTPYPI,
    Credential,
    CredentialRequest,
    PromptAnswer,
    Repository,
    UploadFailed,
    delete_credential,
    find_credential,
    keyring_status,
    load_stored_credential,
    publish_files,
    repository_from_url,
    resolve_credential,
    store_credential,
    stored_username,
)
from cratewright.errors import CredentialsError
from tests.publish.fixtures import (
    KeyringSession,
    LeakGuard,
    PypiServer,
    free_port,
    keyring_in_process,
    make_wheel,
    start_keyring,
    stop_keyring,
)


def _fresh_repo() -> Repository:
    return repository_from_url(f"http://127.0.0.1:{free_port()}/")


def _token() -> str:
    return "pypi-" + secrets.token_urlsafe(24)


def test_store_show_delete_round_trip(leak_guard: LeakGuard) -> None:
    repo = _fresh_repo()
    token = leak_guard.secret(_token())
    assert keyring_status().usable
    assert "SecretService" in keyring_status().backend or keyring_status().backend

    store_credential(repo, "__token__", token)

    assert stored_username(repo) == "__token__"
    loaded = load_stored_credential(repo)
    assert loaded == Credential("__token__", token, "keyring")
    assert token not in repr(loaded)
    import keyring

    assert keyring.get_password(repo.upload_url, "__token__") == token, "where twine looks"
    assert delete_credential(repo) == "__token__"
    assert stored_username(repo) is None
    with pytest.raises(CredentialsError, match="No credential is stored"):
        delete_credential(repo)
    with pytest.raises(CredentialsError, match="empty"):
        store_credential(repo, "__token__", "  ")


def test_resolution_follows_twines_order(leak_guard: LeakGuard) -> None:
    repo = _fresh_repo()
    stored = leak_guard.secret(_token())
    store_credential(repo, "alice", stored)

    found = find_credential(repo, environ={})
    assert found == Credential("alice", stored, "keyring")
    env = {"TWINE_USERNAME": "alice", "TWINE_PASSWORD": "from-env"}
    assert find_credential(repo, environ=env) == Credential("alice", "from-env", "environment")
    explicit = find_credential(repo, username="bob", password="typed", environ=env)
    assert explicit == Credential("bob", "typed", "explicit")
    with_pypirc = Repository("private", repo.upload_url, "pypirc", "carol", "from-pypirc")
    assert find_credential(with_pypirc, environ={}).source == "pypirc"
    token_env = {"CRATEWRIGHT_PYPI_TOKEN": "pypi-env-token", "TWINE_PASSWORD": "other"}
    assert find_credential(TESTPYPI, environ=token_env) == Credential(
        "__token__", "pypi-env-token", "environment"
    )
    delete_credential(repo, "alice")


def test_prompt_comes_last_and_never_in_non_interactive_mode(leak_guard: LeakGuard) -> None:
    repo = _fresh_repo()
    asked: list[CredentialRequest] = []

    def prompt(request: CredentialRequest) -> PromptAnswer:
        asked.append(request)
        return PromptAnswer("dave", "typed-secret", remember=True)

    credential = resolve_credential(repo, environ={}, prompt=prompt)
    assert credential == Credential("dave", "typed-secret", "prompt", remember=True)
    assert asked[0].username is None and asked[0].keyring.usable
    assert "No credential is stored" in asked[0].reason

    with pytest.raises(CredentialsError) as caught:
        resolve_credential(repo, environ={}, prompt=prompt, non_interactive=True)
    assert len(asked) == 1, "non-interactive mode never prompts"
    assert "non-interactive" in str(caught.value)
    assert "cratewright credentials set --repository-url" in str(caught.value)
    with pytest.raises(CredentialsError, match="No credential was entered"):
        resolve_credential(repo, environ={}, prompt=lambda request: None)


def test_prompted_token_is_kept_only_after_the_server_accepted_it(
    tmp_path: Path, pypi_server: PypiServer, leak_guard: LeakGuard
) -> None:
    repo = repository_from_url(pypi_server.url)
    leak_guard.secret(pypi_server.password)
    wheel = make_wheel(tmp_path)

    with pytest.raises(UploadFailed):
        publish_files(
            [wheel], repo, environ={},
            prompt=lambda request: PromptAnswer(pypi_server.username, "wrong-secret"),
        )  # fmt: skip
    assert stored_username(repo) is None, "a refused token is not saved"

    result = publish_files(
        [wheel], repo, environ={},
        prompt=lambda request: PromptAnswer(pypi_server.username, pypi_server.password),
    )  # fmt: skip
    assert result.uploaded == [wheel]
    assert load_stored_credential(repo) == Credential(
        pypi_server.username, pypi_server.password, "keyring"
    )
    delete_credential(repo)


class PlaintextKeyring(KeyringBackend):
    """What keyrings.alt's PlaintextKeyring does: secrets in a JSON file."""

    priority = 0  # type: ignore[assignment]  # never chosen by keyring on its own
    file: Path

    def get_password(self, service: str, username: str) -> str | None:
        data = json.loads(self.file.read_text()) if self.file.exists() else {}
        return data.get(f"{service} {username}")

    def set_password(self, service: str, username: str, password: str) -> None:
        data = json.loads(self.file.read_text()) if self.file.exists() else {}
        data[f"{service} {username}"] = password
        self.file.write_text(json.dumps(data))

    def delete_password(self, service: str, username: str) -> None:
        raise NotImplementedError


class SlowKeyring(KeyringBackend):
    """A keyring whose every call hangs, like a locked one waiting for an unlock prompt."""

    priority = 0  # type: ignore[assignment]  # never chosen by keyring on its own

    def get_password(self, service: str, username: str) -> str | None:
        time.sleep(3)
        return None

    def get_credential(self, service: str, username: str | None) -> None:
        time.sleep(3)

    def set_password(self, service: str, username: str, password: str) -> None:
        time.sleep(3)

    def delete_password(self, service: str, username: str) -> None:
        time.sleep(3)


@pytest.fixture
def plaintext_keyring(tmp_path: Path, keyring_session: KeyringSession) -> Iterator[Path]:
    backend = PlaintextKeyring()
    backend.file = tmp_path / "plain.json"
    with keyring_in_process(keyring_session.address, backend):
        yield backend.file


def test_insecure_and_missing_backends_are_refused(plaintext_keyring: Path) -> None:
    repo = _fresh_repo()
    status = keyring_status()
    assert not status.usable and "plain or weakly protected file" in status.reason
    with pytest.raises(CredentialsError, match="Cannot use the system keyring"):
        store_credential(repo, "__token__", "pypi-secret")
    assert not plaintext_keyring.exists(), "nothing may be written in plain text"

    request = find_credential(repo, environ={})
    assert isinstance(request, CredentialRequest) and not request.keyring.usable
    once = resolve_credential(
        repo, environ={}, prompt=lambda r: PromptAnswer("u", "this-upload-only", remember=True)
    )
    assert once.remember is False, "offered for this upload only"

    import keyring.core

    keyring.core.set_keyring(fail.Keyring())
    assert "no system keyring is available" in keyring_status().reason


def test_a_hung_keyring_times_out(keyring_session: KeyringSession) -> None:
    repo = _fresh_repo()
    with keyring_in_process(keyring_session.address, SlowKeyring()):
        started = time.monotonic()
        with pytest.raises(CredentialsError, match=r"did not answer within 0\.3 s"):
            load_stored_credential(repo, timeout=0.3)
        request = find_credential(repo, environ={}, timeout=0.3)
        assert time.monotonic() - started < 2
    assert isinstance(request, CredentialRequest)
    assert "did not answer" in request.reason


def test_a_locked_keyring_is_reported(tmp_path: Path, keyring_session: KeyringSession) -> None:
    import secretstorage

    own = start_keyring(tmp_path / "locked")
    try:
        with keyring_in_process(own.address):
            repo = _fresh_repo()
            store_credential(repo, "__token__", "pypi-locked-secret")
            connection = secretstorage.dbus_init()
            secretstorage.get_default_collection(connection).lock()
            connection.close()
            with pytest.raises(CredentialsError, match="locked"):
                load_stored_credential(repo)
            request = find_credential(repo, environ={})
            assert isinstance(request, CredentialRequest)
            assert "locked" in request.reason
    finally:
        stop_keyring(own)
