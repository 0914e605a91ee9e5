"""`cratewright new PATH` / `cratewright init [PATH]`: start a project that builds, as maturin's
``new`` / ``init`` do, with the refusals maturin leaves out (``--src`` without ``--mixed``).

Without ``-b`` the bindings are asked for in a terminal; without a terminal the command stops
and names the flag, so scripts and CI never hang on a prompt.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TextIO

from cratewright.core.templates import (
    BINDING_DESCRIPTIONS,
    BINDINGS,
    DEFAULT_ABI3_MINIMUM,
    BindingKind,
    LayoutKind,
    NewProjectOptions,
    check_name,
)
from cratewright.errors import NewProjectError
from cratewright.events import EventSink, Message

__all__ = ["ORDER", "ask_bindings", "register"]

ORDER = 5


def ask_bindings(name: str, stdin: TextIO, stdout: TextIO) -> BindingKind:
    """A numbered menu of the bindings; the answer is a number or a binding's name."""
    module = name.replace("-", "_").lower()
    stdout.write("Which kind of bindings should the project use?\n")
    for number, kind in enumerate(BINDINGS, start=1):
        description = BINDING_DESCRIPTIONS[kind].format(module=module, name=name)
        stdout.write(f"  {number}) {kind:<7} {description}\n")
    while True:
        stdout.write(f"Choose 1-{len(BINDINGS)} [1]: ")
        stdout.flush()
        answer = stdin.readline()
        if not answer:
            raise NewProjectError("no bindings chosen (end of input); pass -b/--bindings")
        answer = answer.strip().lower()
        if not answer:
            return BINDINGS[0]
        if answer.isdigit() and 1 <= int(answer) <= len(BINDINGS):
            return BINDINGS[int(answer) - 1]
        if answer in BINDINGS:
            return answer  # type: ignore[return-value]
        stdout.write(f"Please answer with a number from 1 to {len(BINDINGS)}.\n")


def _abi3_minimum(value: str | None) -> tuple[int, int] | None:
    if value is None:
        return None
    major, _, minor = value.partition(".")
    if not (major == "3" and minor.isdigit()):
        raise NewProjectError(f"--abi3 takes a Python version such as 3.9, not {value!r}")
    return 3, int(minor)


def _layout(args: argparse.Namespace) -> LayoutKind:
    if args.src and not args.mixed:
        raise NewProjectError(
            "--src needs --mixed: the src layout puts a Python package in src/ next to rust/"
        )
    if args.mixed:
        return "mixed-src" if args.src else "mixed"
    return "pure"


def _options(args: argparse.Namespace, target: Path) -> NewProjectOptions:
    name = args.name or target.name
    check = check_name(name)
    if not check.ok:  # before any question, so nobody answers a prompt in vain
        raise NewProjectError(
            f"Invalid project name {name!r}: {check.problem}",
            hint=None if args.name else "the name comes from the folder; pass --name NAME",
        )
    layout = _layout(args)
    bindings = args.bindings
    if bindings is None:
        if not sys.stdin.isatty():
            raise NewProjectError(
                "no bindings chosen and there is no terminal to ask in; pass -b/--bindings "
                "with one of " + ", ".join(BINDINGS)
            )
        bindings = ask_bindings(name, sys.stdin, sys.stderr)
    abi3 = _abi3_minimum(args.abi3)
    if abi3 is not None and bindings != "pyo3":
        raise NewProjectError(f"--abi3 is a pyo3 option; {bindings} bindings have no abi3")
    return NewProjectOptions(
        name=name,
        bindings=bindings,
        layout=layout,
        abi3_minimum=abi3,
        license=args.license or "",
        author=args.author or "",
        backend=args.backend,
        vcs=args.vcs,
        ci=not args.no_ci,
    )


def _run(args: argparse.Namespace, sink: EventSink, *, mode: str) -> int:
    from cratewright.core.templates import (
        CI_WORKFLOW,
        plan_project,
        target_problem,
        usage_example,
        write_project,
    )

    target = Path.cwd() / (args.path or Path())
    if mode == "init":
        target = target.resolve()
    # Refuse the place before asking anything, so nobody answers a prompt in vain.
    problem = target_problem(target, "new" if mode == "new" else "init")
    if problem:
        raise NewProjectError(problem)
    options = _options(args, target)
    files = plan_project(options)
    created = write_project(target, files, mode="new" if mode == "new" else "init", vcs=args.vcs)
    sink(Message("info", f"✨ Created {options.bindings} project `{options.name}` in {target}"))
    if created.note:
        sink(Message("info", f"ℹ️  {created.note}"))
    if CI_WORKFLOW in files:
        sink(Message("info", f"   {CI_WORKFLOW}: wheels for every platform, published on a tag"))
    sink(Message("info", f"   next: cd {target} && cratewright build && pip install ."))
    sink(Message("info", f"   then: {usage_example(options)}"))
    print(target, flush=True)
    return 0


def _add_common(parser: argparse.ArgumentParser) -> None:
    add = parser.add_argument
    add("--name", help="package name (default: the folder's name)")
    add("-b", "--bindings", choices=BINDINGS, help="which kind of bindings (asked when omitted)")
    add("--mixed", action="store_true", help="a Python package next to the Rust code")
    add("--src", action="store_true", help="with --mixed: the crate in rust/, the package in src/")
    minimum = ".".join(map(str, DEFAULT_ABI3_MINIMUM))
    add(
        "--abi3",
        nargs="?",
        const=minimum,
        metavar="MIN_PYTHON",
        help=f"pyo3 only: one stable-ABI wheel for CPython MIN_PYTHON+ (default {minimum})",
    )
    add("--license", help="SPDX license expression, e.g. MIT or 'MIT OR Apache-2.0'")
    add("--author", help="author, as 'Name <email>'")
    add(
        "--backend",
        choices=["maturin", "cratewright"],
        default="maturin",
        help="PEP 517 build backend in pyproject.toml (default maturin: builds anywhere)",
    )
    add("--vcs", choices=["git", "none"], default="git", help="make a git repository (default)")
    add(
        "--no-ci",
        action="store_true",
        help="write no GitHub Actions workflow (.github/workflows/CI.yml, from generate-ci)",
    )
    add("-q", "--quiet", action="store_true", help="print only the project's path")


def register(sub: argparse._SubParsersAction) -> None:
    new = sub.add_parser("new", help="create a new project in a new folder")
    new.add_argument("path", type=Path, help="the folder to create")
    _add_common(new)
    new.set_defaults(run=lambda args, sink: _run(args, sink, mode="new"))
    init = sub.add_parser("init", help="create a new project in an existing folder")
    init.add_argument("path", type=Path, nargs="?", help="the folder (default: the current one)")
    _add_common(init)
    init.set_defaults(run=lambda args, sink: _run(args, sink, mode="init"))
