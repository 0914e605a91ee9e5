"""Uploads against a real pypiserver: success, wrong password, duplicates, a server that
stops half-way, redirects, server errors and timeouts (the last three from a tiny local HTTP
server that answers the way a misconfigured index would)."""

from __future__ import annotations

import hashlib
import http.server
import socket
import threading
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from cratewright.core.publish import (
    Credential,
    Repository,
    UploadFailed,
    existing_files,
    publish_files,
    repository_from_url,
    upload_distributions,
)
from cratewright.errors import PublishError
from cratewright.events import Event, Message, Progress
from tests.publish.fixtures import LeakGuard, PypiServer, free_port, make_sdist, make_wheel


def _credential(server: PypiServer, guard: LeakGuard, password: str | None = None) -> Credential:
    return Credential(server.username, guard.secret(password or server.password), "explicit")


def _digests(paths: list[Path]) -> dict[Path, str]:
    return {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in paths}


def _listed(server: PypiServer, project: str) -> str:
    with urllib.request.urlopen(f"{server.simple_url}{project}/", timeout=10) as response:
        return response.read().decode()


def test_upload_reports_progress_per_file_and_the_index_lists_them(
    tmp_path: Path, pypi_server: PypiServer, leak_guard: LeakGuard
) -> None:
    files = [make_sdist(tmp_path / "dist"), make_wheel(tmp_path / "dist")]
    events: list[Event] = []
    repo = repository_from_url(pypi_server.url)

    result = upload_distributions(
        files, repo, _credential(pypi_server, leak_guard), sink=events.append
    )

    assert [f.status for f in result.files] == ["uploaded", "uploaded"]
    assert result.files[0].path.name.endswith(".whl"), "wheels go first, as in twine"
    progressed = {e.detail for e in events if isinstance(e, Progress)}
    assert progressed == {f.name for f in files}
    finals = [e for e in events if isinstance(e, Progress) and e.current == e.total]
    assert len(finals) == 2
    page = _listed(pypi_server, "cw-demo")
    assert all(f.name in page for f in files)
    assert result.project_urls == (f"{pypi_server.simple_url}cw-demo/",)
    assert existing_files(repo, "cw-demo") == {f.name for f in files}
    assert existing_files(repo, "not-there") == set()
    leak_guard.output("events", repr(events))
    leak_guard.folder(pypi_server.packages.parent)


def test_wrong_password_is_a_clear_auth_failure(
    tmp_path: Path, pypi_server: PypiServer, leak_guard: LeakGuard
) -> None:
    wheel = make_wheel(tmp_path / "dist")
    before = _digests([wheel])
    repo = repository_from_url(pypi_server.url)
    with pytest.raises(UploadFailed) as caught:
        upload_distributions([wheel], repo, _credential(pypi_server, leak_guard, "wrong-pass"))
    assert caught.value.kind == "auth"
    message = str(caught.value)
    assert "refused the credentials (403" in message
    assert "no file was uploaded" in message
    assert "wrong-pass" not in message
    assert caught.value.result.files[0].status == "failed"
    assert list(pypi_server.packages.iterdir()) == []
    assert _digests([wheel]) == before
    leak_guard.secret(pypi_server.password)
    leak_guard.folder(pypi_server.packages.parent)


def test_duplicate_upload_is_refused_clearly_and_skip_existing_skips_it(
    tmp_path: Path, pypi_server: PypiServer, leak_guard: LeakGuard
) -> None:
    wheel = make_wheel(tmp_path / "dist")
    repo = repository_from_url(pypi_server.url)
    credential = _credential(pypi_server, leak_guard)
    upload_distributions([wheel], repo, credential)

    with pytest.raises(UploadFailed) as caught:
        upload_distributions([wheel], repo, credential)
    assert caught.value.kind == "exists"
    assert f"{wheel.name} already exists on 127.0.0.1" in str(caught.value)
    assert "--skip-existing" in str(caught.value)

    events: list[Event] = []
    newer = make_wheel(tmp_path / "dist", version="1.0.1")
    result = upload_distributions(
        [wheel, newer], repo, credential, skip_existing=True, sink=events.append
    )
    assert [(f.path.name, f.status) for f in result.files] == [
        (wheel.name, "skipped"),
        (newer.name, "uploaded"),
    ]
    sent = {e.detail for e in events if isinstance(e, Progress)}
    assert sent == {newer.name}, "the simple index said it exists, so not a byte was sent"


def test_skip_existing_falls_back_to_the_servers_answer(
    tmp_path: Path, pypi_server: PypiServer, leak_guard: LeakGuard
) -> None:
    wheel = make_wheel(tmp_path / "dist")
    credential = _credential(pypi_server, leak_guard)
    upload_distributions([wheel], repository_from_url(pypi_server.url), credential)
    unreadable_index = f"http://127.0.0.1:{free_port()}/simple/"
    repo = repository_from_url(pypi_server.url, check_url=unreadable_index)
    events: list[Event] = []

    result = upload_distributions([wheel], repo, credential, skip_existing=True, sink=events.append)

    assert result.files[0].status == "skipped"
    warnings = [e.text for e in events if isinstance(e, Message) and e.level == "warning"]
    assert any("could not read" in w for w in warnings)


def test_server_stopped_midway_names_the_files_that_went(
    tmp_path: Path, pypi_server: PypiServer, leak_guard: LeakGuard
) -> None:
    files = [
        make_wheel(tmp_path / "dist", "cw-one"),
        make_wheel(tmp_path / "dist", "cw-two"),
        make_wheel(tmp_path / "dist", "cw-three"),
    ]
    before = _digests(files)

    def stop_after_first(event: Event) -> None:
        if isinstance(event, Message) and event.text.startswith("✅ Uploaded"):
            pypi_server.stop()

    repo = repository_from_url(pypi_server.url)
    with pytest.raises(UploadFailed) as caught:
        upload_distributions(
            files, repo, _credential(pypi_server, leak_guard), sink=stop_after_first
        )
    error = caught.value
    assert error.kind == "network"
    statuses = [(f.path.name, f.status) for f in error.result.files]
    assert statuses == [
        (files[0].name, "uploaded"),
        (files[1].name, "failed"),
        (files[2].name, "not uploaded"),
    ]
    message = str(error)
    assert "connection refused" in message
    assert f"uploaded before this: {files[0].name}" in message
    assert f"not uploaded: {files[2].name}" in message
    assert "local files were not changed" in message
    assert _digests(files) == before
    assert (pypi_server.packages / files[0].name).exists()


def test_corrupt_wheel_is_refused_before_any_network_call(
    tmp_path: Path, leak_guard: LeakGuard
) -> None:
    good = make_wheel(tmp_path / "dist", "cw-good")
    corrupt = make_wheel(tmp_path / "dist", "cw-bad")
    data = bytearray(corrupt.read_bytes())
    data[40:60] = b"\xff" * 20  # inside the first entry's compressed data
    corrupt.write_bytes(bytes(data))
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        listener.settimeout(0.5)
        repo = repository_from_url(f"http://127.0.0.1:{listener.getsockname()[1]}/")

        def no_prompt(request: object) -> None:
            raise AssertionError("no credential may be asked for a file that is refused")

        with pytest.raises(PublishError) as caught:
            publish_files([good, corrupt], repo, prompt=no_prompt)
        with pytest.raises(TimeoutError):
            listener.accept()
    message = str(caught.value)
    assert message.startswith(f"{corrupt.name} would be refused by the index: ")
    assert "nothing was uploaded" in message


class _Scripted(http.server.BaseHTTPRequestHandler):
    """Answers every POST the way the test asked; counts the requests."""

    status = 503
    location = ""
    delay = 0.0
    posts = 0

    def do_POST(self) -> None:
        type(self).posts += 1
        length = int(self.headers.get("Content-Length", "0"))
        self.rfile.read(length)
        if self.delay:
            time.sleep(self.delay)
        self.send_response(self.status, "Scripted")
        if self.location:
            self.send_header("Location", self.location)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def scripted() -> Iterator[tuple[type[_Scripted], Repository]]:
    handler = type("Handler", (_Scripted,), {"posts": 0})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield handler, repository_from_url(f"http://127.0.0.1:{server.server_address[1]}/")
    finally:
        server.shutdown()
        server.server_close()


def test_redirect_is_never_followed(tmp_path: Path, scripted) -> None:
    handler, repo = scripted
    handler.status, handler.location = 301, "https://elsewhere.example/legacy/"
    with pytest.raises(UploadFailed) as caught:
        upload_distributions([make_wheel(tmp_path)], repo, Credential("u", "p"))
    assert caught.value.kind == "redirect"
    assert "redirect (301) to https://elsewhere.example/legacy/" in str(caught.value)
    assert handler.posts == 1


def test_server_errors_are_retried_then_reported(tmp_path: Path, scripted) -> None:
    handler, repo = scripted
    handler.status = 503
    events: list[Event] = []
    with pytest.raises(UploadFailed) as caught:
        upload_distributions([make_wheel(tmp_path)], repo, Credential("u", "p"), sink=events.append)
    assert caught.value.kind == "server"
    assert "503" in str(caught.value)
    assert handler.posts == 3
    assert sum("retry" in getattr(e, "text", "") for e in events) == 2


def test_a_server_that_never_answers_times_out(tmp_path: Path, scripted) -> None:
    handler, repo = scripted
    handler.status, handler.delay = 200, 3.0
    started = time.monotonic()
    with pytest.raises(UploadFailed) as caught:
        upload_distributions([make_wheel(tmp_path)], repo, Credential("u", "p"), timeout=(2.0, 0.5))
    assert time.monotonic() - started < 3.0
    assert caught.value.kind == "network"
    assert "did not answer in time" in str(caught.value)
