"""`cratewright develop`: build and install into a virtualenv, editable for mixed projects."""

from __future__ import annotations

import argparse
from pathlib import Path

from cratewright.cli_commands.build import (
    add_bindings_and_profile_args,
    add_cargo_args,
    cargo_options_from_args,
    split_values,
)
from cratewright.events import EventSink

__all__ = ["ORDER", "register"]

ORDER = 15


def run(args: argparse.Namespace, sink: EventSink) -> int:
    from cratewright.core.build.plan import BuildOptions
    from cratewright.core.develop.install import develop

    options = BuildOptions(
        manifest_path=args.manifest_path,
        bindings=args.bindings,
        release=args.release,
        profile=args.profile,
        strip=True if args.strip else None,
        **cargo_options_from_args(args),
    )
    result = develop(
        options,
        environment=args.environment,
        extras=split_values(args.extras),
        skip_install=args.skip_install,
        installer="uv" if args.uv else args.installer,
        sink=sink,
    )
    print(result.site_packages or result.python_dir or result.environment.prefix, flush=True)
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "develop", aliases=["dev"], help="build and install into a virtualenv (editable)"
    )
    add = parser.add_argument
    add("-m", "--manifest-path", type=Path, help="Cargo.toml, pyproject.toml or project directory")
    add(
        "--environment",
        "--env",
        type=Path,
        metavar="PATH",
        help="venv/conda directory or python interpreter to install into "
        "(default: $VIRTUAL_ENV, $CONDA_PREFIX, or a .venv in the project or its parents)",
    )
    add_bindings_and_profile_args(parser)
    add("--strip", action="store_true", help="strip the library for minimum file size")
    add(
        "-E",
        "--extras",
        action="append",
        default=[],
        help="install the requirements of these extras too (-E a,b)",
    )
    add(
        "--skip-install",
        action="store_true",
        help="only build; a mixed project gets its native module in its source tree",
    )
    add(
        "--installer",
        choices=["pip", "uv"],
        help="installer to use (default: pip, uv for uv venvs)",
    )
    add("--uv", action="store_true", help="use uv to install (same as --installer uv)")
    add_cargo_args(parser)
    parser.set_defaults(run=run)
