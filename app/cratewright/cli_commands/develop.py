"""`cratewright develop`: build and install into a virtualenv, editable for mixed projects."""

from __future__ import annotations

import argparse
import signal
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cratewright.cli_commands.build import (
    add_bindings_and_profile_args,
    add_cargo_args,
    cargo_options_from_args,
    split_values,
)
from cratewright.events import EventSink, Message

if TYPE_CHECKING:
    from cratewright.core.build import BuildOptions

__all__ = ["ORDER", "register"]

ORDER = 15


def run(args: argparse.Namespace, sink: EventSink) -> int:
    from cratewright.core.build import BuildOptions
    from cratewright.core.develop import develop

    options = BuildOptions(
        manifest_path=args.manifest_path,
        bindings=args.bindings,
        release=args.release,
        profile=args.profile,
        strip=True if args.strip else None,
        **cargo_options_from_args(args),
    )
    develop_kwargs = {
        "environment": args.environment,
        "extras": split_values(args.extras),
        "skip_install": args.skip_install,
        "installer": "uv" if args.uv else args.installer,
        "groups": split_values(args.group) if args.group else None,
        "pip_path": args.pip_path,
    }
    if args.watch:
        return _watch(options, develop_kwargs, sink)
    result = develop(options, sink=sink, **develop_kwargs)
    print(result.site_packages or result.python_dir or result.environment.prefix, flush=True)
    return 0


def _watch(options: BuildOptions, develop_kwargs: dict[str, Any], sink: EventSink) -> int:
    """Develop, then rebuild on every save until Ctrl-C (which stops cargo's whole group)."""
    from cratewright.core.develop import DevelopWatch

    session = DevelopWatch(options, develop_kwargs=develop_kwargs, sink=sink)
    sink(Message("info", "👀 Watching for changes; press Ctrl-C to stop"))
    try:
        session.run(threading.Event())
    except KeyboardInterrupt as exc:  # Ctrl-C, or SIGTERM/SIGHUP (cli.Terminated carries signum)
        stopped = f"👋 Watch stopped after {session.cycles} cycles; nothing left running"
        sink(Message("info", stopped))
        return 128 + getattr(exc, "signum", signal.SIGINT)
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
        "-G",
        "--group",
        action="append",
        default=[],
        help="install these PEP 735 dependency groups too (-G test,docs; default: dev, if defined)",
    )
    add(
        "--skip-install",
        action="store_true",
        help="only build; a mixed project gets its native module in its source tree",
    )
    add(
        "--installer",
        choices=["pip", "uv"],
        help="installer to use (default: pip; uv for uv and pixi environments)",
    )
    add("--uv", action="store_true", help="use uv to install (same as --installer uv)")
    add("--pip-path", type=Path, help="use this pip executable instead of the environment's")
    add(
        "--watch",
        action="store_true",
        help="after installing, rebuild and reinstall whenever a file the build reads is saved "
        "(Rust sources cargo lists, manifests; Python files of an editable install need no "
        "rebuild); Ctrl-C stops",
    )
    add_cargo_args(parser)
    parser.set_defaults(run=run)
