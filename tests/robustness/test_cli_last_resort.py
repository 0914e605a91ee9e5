"""The CLI's last resort: whatever escapes a verb is one `💥 internal error` line, never a
raw traceback, and the traceback is saved to a file the line names.

Every verb the parser knows is found by walking it (nested ones like `metadata show` too), so
a verb added later is covered without touching this file.
"""

from __future__ import annotations

import argparse
import re
import signal
from collections.abc import Iterator
from pathlib import Path

import pytest

from cratewright import cli


def _leaf_parsers(
    parser: argparse.ArgumentParser, prefix: tuple[str, ...] = ()
) -> Iterator[tuple[tuple[str, ...], argparse.ArgumentParser]]:
    subs = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    if not subs:
        yield prefix, parser
        return
    for name, child in subs[0].choices.items():
        yield from _leaf_parsers(child, (*prefix, name))


def _required_arguments(parser: argparse.ArgumentParser) -> list[str]:
    """The smallest argv that this parser accepts (dummy values for what it requires)."""
    argv: list[str] = []
    for action in parser._actions:
        if isinstance(action, argparse._HelpAction):
            continue
        if action.option_strings:
            if action.required:
                argv += [action.option_strings[0], "x"]
            continue
        if action.nargs in ("?", "*"):
            continue
        value = next(iter(action.choices)) if action.choices else "x"
        count = action.nargs if isinstance(action.nargs, int) else 1
        argv += [str(value)] * count
    for group in parser._mutually_exclusive_groups:
        if group.required:
            option = group._group_actions[0]
            argv += [option.option_strings[0], "x"]
    return argv


def _verbs() -> list[tuple[str, ...]]:
    return [path for path, _ in _leaf_parsers(cli._build_parser())]


def test_the_walk_finds_every_verb() -> None:
    verbs = {" ".join(v) for v in _verbs()}
    assert {"build", "sdist", "develop", "audit", "repair", "upload", "publish"} <= verbs
    assert {"metadata show", "metadata set", "credentials"} <= verbs


@pytest.mark.parametrize("verb", _verbs(), ids=" ".join)
def test_unexpected_exception_is_one_line_and_a_saved_traceback(
    verb: tuple[str, ...],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    parser = cli._build_parser()
    leaf = dict(_leaf_parsers(parser))[verb]

    def boom(args: argparse.Namespace, sink: object) -> int:
        raise KeyError("a bug deep inside " + " ".join(verb))

    leaf.set_defaults(run=boom)
    monkeypatch.setattr(cli, "_build_parser", lambda: parser)
    code = cli.main([*verb, *_required_arguments(leaf)])
    out, err = capsys.readouterr()
    assert code == cli.EXIT_INTERNAL_ERROR
    assert "Traceback" not in err + out
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("💥 internal error: KeyError: 'a bug deep inside")
    assert "please report it" in lines[0]
    saved = Path(re.search(r"the traceback is in (\S+?)\)?$", lines[0])[1])
    assert saved.is_relative_to(tmp_path / "state")
    text = saved.read_text()
    assert "Traceback (most recent call last)" in text
    assert "in boom" in text


def test_traceback_falls_back_to_the_temp_dir(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    blocker = tmp_path / "state"
    blocker.write_text("a file where the state directory should be")
    monkeypatch.setenv("XDG_STATE_HOME", str(blocker))
    monkeypatch.setenv("TMPDIR", str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", None)
    monkeypatch.setattr(
        cli, "_main", lambda argv: (_ for _ in ()).throw(RecursionError("too deep"))
    )
    assert cli.main(["build"]) == cli.EXIT_INTERNAL_ERROR
    err = capsys.readouterr().err
    assert f"the traceback is in {tmp_path / 'tmp'}" in err


def test_saved_arguments_of_credentials_are_hidden(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path))
    monkeypatch.setattr(cli, "_main", lambda argv: 1 / 0)
    cli.main(["upload", "x.whl", "-p", "pypi-SECRET1"])
    cli.main(["credentials", "set", "pypi-SECRET2", "-r", "pypi"])
    capsys.readouterr()
    saved = "".join(p.read_text() for p in tmp_path.rglob("*.txt"))
    assert saved.count("ZeroDivisionError") == 2
    assert "SECRET" not in saved


@pytest.mark.parametrize(
    ("signum", "code"), [(signal.SIGTERM, 143), (signal.SIGHUP, 129)], ids=["TERM", "HUP"]
)
def test_termination_signal_is_an_interruption_with_one_line(
    signum: int, code: int, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    cleaned: list[str] = []

    def verb(argv: list[str]) -> int:
        import os

        try:
            os.kill(os.getpid(), signum)
            signal.pause()  # never reached: the handler raises first
        finally:
            cleaned.append("finally ran")  # where temp files are removed
        return 0

    monkeypatch.setattr(cli, "_main", verb)
    before = signal.getsignal(signum)
    assert cli.main(["build"]) == code
    assert cleaned == ["finally ran"]
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [
        f"💥 error: stopped by {signal.Signals(signum).name}; cargo was stopped and no "
        "partial file was left"
    ]
    assert signal.getsignal(signum) == before


def _value_options() -> list[tuple[tuple[str, ...], str]]:
    found = []
    for verb, leaf in _leaf_parsers(cli._build_parser()):
        for action in leaf._actions:
            if action.option_strings and action.nargs != 0 and not action.choices:
                found.append((verb, action.option_strings[-1]))
            elif (
                not action.option_strings
                and not getattr(action, "allow_empty", False)
                and not action.choices
            ):
                found.append((verb, action.dest))
    return found


@pytest.mark.parametrize(
    ("verb", "option"), _value_options(), ids=lambda v: " ".join(v) if isinstance(v, tuple) else v
)
def test_empty_values_are_usage_errors(
    verb: tuple[str, ...], option: str, capsys: pytest.CaptureFixture[str]
) -> None:
    leaf = dict(_leaf_parsers(cli._build_parser()))[verb]
    argv = [*verb, *_required_arguments(leaf)]
    if option.startswith("-"):
        argv += [option, ""]
    elif "x" in argv:  # a required positional: replace its dummy value by ""
        argv[argv.index("x")] = ""
    else:  # an optional positional (nargs="*"): give it one empty value
        argv.append("")
    with pytest.raises(SystemExit) as caught:
        cli.main(argv)
    assert caught.value.code == 2
    err = capsys.readouterr().err
    assert "must not be empty" in err or "not repeated here" in err, err
