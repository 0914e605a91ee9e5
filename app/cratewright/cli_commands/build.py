"""`cratewright build`: maturin's build verb and flags."""

from __future__ import annotations

import argparse
import os
import re
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cratewright.core.wheel import COMPRESSION_METHODS
from cratewright.events import EventSink

if TYPE_CHECKING:
    from cratewright.core.build import BuildOptions

__all__ = [
    "ORDER",
    "add_bindings_and_profile_args",
    "add_build_args",
    "add_cargo_args",
    "build_options_from_args",
    "cargo_options_from_args",
    "register",
    "split_values",
]

ORDER = 10


def split_values(values: Sequence[str]) -> tuple[str, ...]:
    """cargo accepts ``-F a,b -F "c d"``; so do we (and ``-E`` extras the same way)."""
    return tuple(f for value in values for f in re.split(r"[ ,]+", value) if f)


def add_bindings_and_profile_args(parser: argparse.ArgumentParser) -> None:
    """``-b``, ``-r`` and ``--profile``, shared by build, publish and develop."""
    add = parser.add_argument
    add(
        "-b",
        "--bindings",
        choices=["pyo3", "pyo3-ffi", "cffi", "uniffi", "bin"],
        help="which kind of bindings to use (detected when not given)",
    )
    add("-r", "--release", action="store_true", help="build with the release profile")
    add("--profile", help="build with the given cargo profile")
    add(
        "--pgo",
        action="store_true",
        help="profile-guided optimization with [tool.maturin] pgo-command (env MATURIN_PGO); "
        "refused when no llvm-profdata matches rustc's LLVM",
    )


def add_cargo_args(parser: argparse.ArgumentParser, *, generate_stubs_flag: bool = True) -> None:
    """The cargo flags every building verb takes (build, publish, develop), after maturin.

    ``generate-stubs`` takes them too, but not ``--generate-stubs`` (it always generates).
    """
    add = parser.add_argument
    if generate_stubs_flag:
        add(
            "--generate-stubs",
            action="store_true",
            help="generate .pyi type stubs from the built module; needs pyo3 with its "
            '"experimental-inspect" feature and a declarative `#[pymodule] mod`',
        )
    add("-F", "--features", action="append", default=[], help="cargo features to activate")
    add("--all-features", action="store_true", help="activate all available features")
    add("--no-default-features", action="store_true", help="do not activate the default feature")
    add("--target", help="build for the target triple")
    add("--locked", action="store_true", help="require Cargo.lock to be up to date")
    add("--frozen", action="store_true", help="require Cargo.lock and cache to be up to date")
    add("--offline", action="store_true", help="run without accessing the network")
    add(
        "--config",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="override a cargo configuration value",
    )
    add("-q", "--quiet", action="store_true", help="do not print cargo log messages")
    add("-v", "--verbose", action="count", default=0, help="use verbose output (-vv very verbose)")
    add(
        "-j",
        "--jobs",
        type=int,
        metavar="N",
        help="number of parallel jobs (cargo's default: CPUs)",
    )
    add(
        "--target-dir", type=Path, metavar="DIRECTORY", help="directory for all generated artifacts"
    )
    add(
        "--ignore-rust-version",
        action="store_true",
        help="ignore `rust-version` specification in packages",
    )
    add("--timings", action="store_true", help="write cargo's build timing report")
    add(
        "--future-incompat-report",
        action="store_true",
        help="output a future incompatibility report at the end of the build",
    )
    add(
        "--color",
        choices=["auto", "always", "never"],
        metavar="WHEN",
        help="coloring: auto, always, never",
    )
    add(
        "-Z",
        dest="unstable_flags",
        action="append",
        default=[],
        metavar="FLAG",
        help="unstable (nightly-only) flags to cargo",
    )
    add(
        "--include-debuginfo",
        action="store_true",
        help="include the separate debug info file (.dwp) in the wheel "
        "(builds with split-debuginfo=packed)",
    )
    add(
        "--sbom-include",
        nargs="+",
        action="extend",
        default=[],
        type=Path,
        metavar="SBOM_INCLUDE",
        help="additional SBOM files for .dist-info/sboms",
    )
    add(
        "--compression-method",
        choices=COMPRESSION_METHODS,
        default="deflated",
        help="zip compression method (zstd needs Python 3.14)",
    )
    add("--compression-level", type=int, help="zip compression level (default: the method's)")
    add(
        "--compression-enable-large-file-support",
        action="store_true",
        help="write zip64 records so members may exceed 4 GiB",
    )
    add("args", nargs="*", help="rustc flags, after --")


def cargo_options_from_args(args: argparse.Namespace) -> dict[str, Any]:
    """BuildOptions fields for the flags of :func:`add_cargo_args` (and ``--pgo``)."""
    from cratewright.core.wheel import WheelCompression

    return {
        "jobs": args.jobs,
        "target_dir": args.target_dir,
        "ignore_rust_version": args.ignore_rust_version,
        "timings": args.timings,
        "future_incompat_report": args.future_incompat_report,
        "unstable_flags": tuple(args.unstable_flags),
        "include_debuginfo": args.include_debuginfo,
        "sbom_include": tuple(args.sbom_include),
        "compression": WheelCompression(
            method=args.compression_method,
            level=args.compression_level,
            large_files=args.compression_enable_large_file_support,
        ),
        "pgo": getattr(args, "pgo", False),
        "features": split_values(args.features),
        "all_features": args.all_features,
        "no_default_features": args.no_default_features,
        "target": args.target or os.environ.get("CARGO_BUILD_TARGET"),
        "locked": args.locked,
        "frozen": args.frozen,
        "offline": args.offline,
        "quiet": args.quiet,
        "verbose": args.verbose,
        "cargo_config": tuple(args.config),
        "rustc_args": tuple(args.args),
        "generate_stubs": getattr(args, "generate_stubs", False),
    }


def add_build_args(parser: argparse.ArgumentParser) -> None:
    add = parser.add_argument
    add("-m", "--manifest-path", type=Path, help="Cargo.toml, pyproject.toml or project directory")
    add(
        "-i",
        "--interpreter",
        nargs="*",
        action="extend",
        default=[],
        metavar="PYTHON",
        help="python interpreters to build for (paths, names like python3.12, or 3.12)",
    )
    add(
        "-f",
        "--find-interpreter",
        action="store_true",
        help="find every python interpreter on PATH and build for each",
    )
    add_bindings_and_profile_args(parser)
    add("-o", "--out", type=Path, help="output directory (default: <target dir>/wheels)")
    add(
        "--compatibility",
        "--manylinux",
        nargs="*",
        action="extend",
        default=[],
        metavar="TAG",
        help="platform tag to target, e.g. manylinux_2_28, manylinux2014, musllinux_1_2, linux",
    )
    add(
        "--auditwheel",
        choices=["repair", "check", "warn", "skip"],
        help="what to do when the wheel needs libraries outside the manylinux policy",
    )
    add("--skip-auditwheel", action="store_true", help=argparse.SUPPRESS)
    add(
        "--zig",
        action="store_true",
        help="link with zig (pip install ziglang) so the wheel meets an older manylinux glibc",
    )
    add(
        "--strip",
        nargs="?",
        const="true",
        choices=["true", "false"],
        help="strip the library for minimum file size",
    )
    add_cargo_args(parser)


def build_options_from_args(args: argparse.Namespace) -> BuildOptions:
    """The engine's BuildOptions from parsed ``build`` flags (shared by publish and develop)."""
    from cratewright.core.build import BuildOptions

    return BuildOptions(
        manifest_path=args.manifest_path,
        interpreters=tuple(args.interpreter),
        find_interpreter=args.find_interpreter,
        bindings=args.bindings,
        release=args.release,
        profile=args.profile,
        out=args.out,
        compatibility=tuple(args.compatibility),
        auditwheel=args.auditwheel or ("skip" if args.skip_auditwheel else None),
        strip=None if args.strip is None else args.strip == "true",
        zig=args.zig,
        **cargo_options_from_args(args),
    )


def run(args: argparse.Namespace, sink: EventSink) -> int:
    from cratewright.core.build import build_wheels, plan_build

    if getattr(args, "sdist", False):
        from cratewright.core.sdist import build_sdist_and_wheels

        result = build_sdist_and_wheels(build_options_from_args(args), sink=sink)
        print(result.sdist, flush=True)
        for wheel in result.wheels:
            print(wheel.path, flush=True)
        return 0
    plan = plan_build(build_options_from_args(args), sink=sink)
    for wheel in build_wheels(plan, sink=sink):
        print(wheel.path, flush=True)
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("build", aliases=["b"], help="build the crate into python wheels")
    add_build_args(parser)
    parser.add_argument(
        "--sdist",
        action="store_true",
        help="also build an sdist, and build the wheels from the unpacked sdist",
    )
    parser.set_defaults(run=run)
