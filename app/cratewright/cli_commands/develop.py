"""`cratewright develop`: build and install into a virtualenv, editable for mixed projects."""

from __future__ import annotations

import argparse
import os
import re
from pathlib import Path

from cratewright.events import EventSink

__all__ = ["ORDER", "register"]

ORDER = 15


def _split(values: list[str]) -> tuple[str, ...]:
    return tuple(v for value in values for v in re.split(r"[ ,]+", value) if v)


def run(args: argparse.Namespace, sink: EventSink) -> int:
    from cratewright.core.build_plan import BuildOptions
    from cratewright.core.develop import develop

    options = BuildOptions(
        manifest_path=args.manifest_path,
        bindings=args.bindings,
        release=args.release,
        profile=args.profile,
        strip=True if args.strip else None,
        features=_split(args.features),
        all_features=args.all_features,
        no_default_features=args.no_default_features,
        target=args.target or os.environ.get("CARGO_BUILD_TARGET"),
        locked=args.locked,
        frozen=args.frozen,
        offline=args.offline,
        quiet=args.quiet,
        verbose=args.verbose,
        cargo_config=tuple(args.config),
        rustc_args=tuple(args.args),
    )
    result = develop(
        options,
        environment=args.environment,
        extras=_split(args.extras),
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
    add(
        "-b",
        "--bindings",
        choices=["pyo3", "pyo3-ffi", "cffi", "uniffi", "bin"],
        help="which kind of bindings to use (detected when not given)",
    )
    add("-r", "--release", action="store_true", help="build with the release profile")
    add("--profile", help="build with the given cargo profile")
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
    add("-F", "--features", action="append", default=[], help="cargo features to activate")
    add("--all-features", action="store_true", help="activate all available features")
    add("--no-default-features", action="store_true", help="do not activate the default feature")
    add("--target", help="build for the target triple")
    add("--locked", action="store_true", help="require Cargo.lock to be up to date")
    add("--frozen", action="store_true", help="require Cargo.lock and cache to be up to date")
    add("--offline", action="store_true", help="run without accessing the network")
    add("--config", action="append", default=[], metavar="KEY=VALUE", help="cargo config value")
    add("-q", "--quiet", action="store_true", help="do not print cargo log messages")
    add("-v", "--verbose", action="count", default=0, help="use verbose output")
    add("args", nargs="*", help="rustc flags, after --")
    parser.set_defaults(run=run)
