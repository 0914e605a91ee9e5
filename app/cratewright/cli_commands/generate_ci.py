"""`cratewright generate-ci github|gitlab`: the release workflow for every platform.

Options are maturin's (``-m``, ``-o``, ``--platform``, ``--pytest``, ``--zig``,
``--skip-attestation``); the settings that matter live in ``[tool.maturin.generate-ci.github]``,
which the GUI's Release page edits, so the two always write the same file. The file goes to
stdout, or atomically to ``-o FILE``; what GitLab cannot build is said on stderr too.
"""

from __future__ import annotations

import argparse
import shlex
import sys
from pathlib import Path

from cratewright.events import EventSink, Message

__all__ = ["ORDER", "register"]

ORDER = 35
_PLATFORM_CHOICES = ("all", "manylinux", "linux", "musllinux", "windows", "macos", "emscripten",
                     "android")  # fmt: skip


def _command_line(args: argparse.Namespace) -> list[str]:
    """The command the header tells the user to re-run (without ``-o``'s file)."""
    words = ["cratewright", "generate-ci", args.ci]
    if args.manifest_path:
        words += ["-m", args.manifest_path]
    if args.output and args.output != "-":
        words += ["-o", args.output]
    for platform in args.platform or ():
        words += ["--platform", platform]
    words += [f"--{flag.replace('_', '-')}" for flag in ("pytest", "zig", "skip_attestation")
              if getattr(args, flag)]  # fmt: skip
    return [shlex.quote(word) for word in words]


def run(args: argparse.Namespace, sink: EventSink) -> int:
    from cratewright.core.ci import (
        CIOptions,
        gitlab_header_notes,
        load_facts,
        render,
        resolve_for_project,
        write_ci_file,
    )

    manifest = Path(args.manifest_path) if args.manifest_path else None
    project, facts = load_facts(manifest)
    options = CIOptions(
        platforms=tuple(args.platform or ()),
        pytest=args.pytest,
        zig=args.zig,
        skip_attestation=args.skip_attestation,
        manifest_path=args.manifest_path,
    )
    ci = resolve_for_project(project.pyproject, facts, options)
    text = render(ci, args.ci, command=_command_line(args))
    if args.ci == "gitlab":
        for note in gitlab_header_notes(ci):
            sink(Message("warning", f"⚠️  GitLab: {note}"))
    if args.output in (None, "-"):
        sys.stdout.write(text)
        sys.stdout.flush()
    else:
        write_ci_file(Path(args.output), text)
        sink(Message("info", f"📝 Wrote {args.output}"))
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "generate-ci",
        help="write a CI release workflow (GitHub Actions or GitLab CI) for every platform",
        description="Generate a CI configuration that builds wheels for every platform and "
        "publishes them, from [tool.maturin.generate-ci.github] and these options.",
    )
    parser.add_argument("ci", choices=("github", "gitlab"), help="CI provider")
    parser.add_argument("-m", "--manifest-path", metavar="PATH", help="path to Cargo.toml")
    parser.add_argument("-o", "--output", metavar="PATH", default="-",
                        help="output file (default: - for stdout); written atomically")  # fmt: skip
    parser.add_argument(
        "--platform",
        action="append",
        choices=_PLATFORM_CHOICES,
        metavar="{all,manylinux,musllinux,windows,macos,emscripten,android}",
        help="platforms to build (repeatable); default: the platform tables of "
        "[tool.maturin.generate-ci.github], else manylinux, musllinux, windows and macos",
    )
    parser.add_argument("--pytest", action="store_true", help="test the wheels with pytest")
    parser.add_argument("--zig", action="store_true", help="use zig to cross-compile Linux wheels")
    parser.add_argument("--skip-attestation", action="store_true",
                        help="do not attest the release artifacts")  # fmt: skip
    parser.set_defaults(run=run)
