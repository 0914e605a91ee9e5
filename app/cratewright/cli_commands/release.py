"""`cratewright release`: version, build, check, compare, rehearse, promote, in that order.

Each step prints one line with its verdict; the first failure stops the release with its
message and what to do. ``--step NAME`` runs one step alone (the files built earlier are found
through the record the build step wrote). Promotion asks on the terminal with the project,
version and every file's SHA-256, unless ``--yes``; without a terminal and without ``--yes``
nothing is promoted. Credentials come from the keyring as for ``publish``.
"""

from __future__ import annotations

import argparse
import shutil
import sys
from typing import TYPE_CHECKING

from cratewright.cli_commands.build import add_build_args, build_options_from_args
from cratewright.cli_commands.publish import _interactive, _terminal_prompt
from cratewright.events import EventSink

if TYPE_CHECKING:
    from cratewright.core.publish import Repository
    from cratewright.core.release import PromotionPlan, StepResult

__all__ = ["ORDER", "register"]

ORDER = 41

_MARKS = {"passed": "✅", "warning": "⚠️ ", "failed": "❌", "skipped": "⏭️ "}


def _repository(
    name: str | None, url: str | None, default: str, config_file: str | None
) -> Repository:
    from cratewright.core.publish import resolve_repository

    return resolve_repository(
        name if name or url else default, url, config_file=config_file, environ={}
    )


def print_result(result: StepResult, *, verbose: bool = True) -> None:
    """One line per step, its details indented, the fix after a failure."""
    print(f"{_MARKS.get(result.state, '•')} {result.step}: {result.message}", flush=True)
    if verbose or not result.ok:
        for line in result.details:
            print(f"    {line}", flush=True)
    if result.fix and result.state in ("failed", "warning"):
        print(f"    fix: {result.fix}", flush=True)


def _confirm_on_terminal(yes: bool, interactive: bool):  # type: ignore[no-untyped-def]
    def confirm(plan: PromotionPlan) -> bool:
        print(plan.question, flush=True)
        for line in plan.lines():
            print(f"    {line}", flush=True)
        if yes:
            print("    --yes given: promoting", flush=True)
            return True
        if not interactive:
            print("    not a terminal and no --yes: not promoting", flush=True)
            return False
        answer = input("Type the version to promote it, anything else to stop: ").strip()
        return answer == plan.files.version

    return confirm


def _rehearsal_python(args: argparse.Namespace) -> str:
    if args.rehearse_python:
        return str(args.rehearse_python)
    for name in args.interpreter:
        found = shutil.which(name)
        if found:
            return found
    return sys.executable


def run_release_command(args: argparse.Namespace, sink: EventSink) -> int:
    from cratewright.core.publish import require_secure_transport
    from cratewright.core.release import (
        STEP_NAMES,
        ReleaseConfig,
        ReleaseRun,
        run_release,
        save_smoke_command,
    )

    main = _repository(args.repository, args.repository_url, "pypi", args.config_file)
    rehearsal = _repository(
        args.rehearse_repository, args.rehearse_repository_url, "testpypi", args.config_file
    )
    for repository in (rehearsal, main):
        require_secure_transport(repository, allow_insecure_http=args.allow_insecure_http)
    interactive = _interactive(args)
    config = ReleaseConfig(
        options=build_options_from_args(args),
        main=main,
        rehearsal=rehearsal,
        bump=args.bump,
        smoke_command=args.smoke,
        python=_rehearsal_python(args),
        size_limit=int(args.max_file_size * 1024 * 1024),
        allow_insecure_http=args.allow_insecure_http,
        prompt=_terminal_prompt if interactive else None,
    )
    if args.smoke and args.remember_smoke:
        save_smoke_command(config.project_dir, args.smoke)
    steps = [args.step] if args.step else [s for s in STEP_NAMES if s not in args.skip]
    run = ReleaseRun(config)
    results = run_release(
        run,
        steps,
        confirm=_confirm_on_terminal(args.yes, interactive),
        on_result=print_result,
        sink=sink,
    )
    if not results or results[-1].state == "failed":
        return 1
    if any(r.step == "promote" and r.state == "skipped" for r in results):
        return 1
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    from cratewright.core.release import BUMP_PARTS, STEP_NAMES

    parser = sub.add_parser(
        "release",
        help="bump, build, check, compare, rehearse on a second index, then promote the same files",
        conflict_handler="resolve",
    )
    add_build_args(parser)  # its -r (--release) gives way to -r/--repository below
    add = parser.add_argument
    main = parser.add_mutually_exclusive_group()
    main.add_argument("-r", "--repository", help="the index to release to (default: pypi)")
    main.add_argument("--repository-url", help="upload URL of the index to release to")
    rehearsal = parser.add_mutually_exclusive_group()
    rehearsal.add_argument(
        "--rehearse-repository", help="the index to rehearse on first (default: testpypi)"
    )
    rehearsal.add_argument("--rehearse-repository-url", help="upload URL of the rehearsal index")
    add("--config-file", help="the .pypirc to read (default: ~/.pypirc)")
    add("--bump", choices=BUMP_PARTS, help="bump this part of the version first")
    add("--step", choices=STEP_NAMES, help="run only this step")
    add("--skip", choices=STEP_NAMES, action="append", default=[], help="leave out a step")
    add(
        "--smoke",
        help='command run in the rehearsal venv (default: python -c "import <module>", or the '
        "one remembered for this project)",
    )
    add("--remember-smoke", action="store_true", help="remember --smoke for this project")
    add("--rehearse-python", help="interpreter of the rehearsal venv (default: the first -i)")
    add(
        "--max-file-size",
        type=float,
        default=100.0,
        metavar="MIB",
        help="the main index's largest accepted file in MiB (default: PyPI's 100)",
    )
    add("-y", "--yes", action="store_true", help="promote without asking (for scripts and CI)")
    add("--allow-insecure-http", action="store_true", help="allow plain http:// indexes")
    add("--non-interactive", action="store_true", help="never prompt for credentials")
    parser.set_defaults(run=run_release_command)
