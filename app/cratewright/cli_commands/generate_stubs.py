"""`cratewright generate-stubs`: build the library and write its ``.pyi`` stubs, no wheel."""

from __future__ import annotations

import argparse
from pathlib import Path

from cratewright.cli_commands.build import add_cargo_args, cargo_options_from_args
from cratewright.events import EventSink

__all__ = ["ORDER", "register"]

ORDER = 17


def run(args: argparse.Namespace, sink: EventSink) -> int:
    from cratewright.core.build import BuildOptions, generate_stubs

    options = BuildOptions(
        manifest_path=args.manifest_path,
        interpreters=tuple(args.interpreter),
        find_interpreter=args.find_interpreter,
        bindings=args.bindings,
        profile=args.profile,
        **cargo_options_from_args(args),
    )
    for path in generate_stubs(options, args.out, sink=sink):
        print(path, flush=True)
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "generate-stubs",
        help="write .pyi type stubs of a pyo3 extension (needs pyo3's experimental-inspect)",
        description="Build the extension and write its type stubs from PyO3's introspection "
        'data. The crate must enable pyo3\'s "experimental-inspect" feature and declare its '
        "module as a `#[pymodule] mod`.",
    )
    add = parser.add_argument
    add("-o", "--out", type=Path, required=True, help="the directory to store the type stubs in")
    add("-m", "--manifest-path", type=Path, help="Cargo.toml, pyproject.toml or project directory")
    add(
        "-i",
        "--interpreter",
        nargs="*",
        action="extend",
        default=[],
        metavar="PYTHON",
        help="python interpreter to build against (the first one is used)",
    )
    add("-f", "--find-interpreter", action="store_true", help="find interpreters on the machine")
    add(
        "-b",
        "--bindings",
        choices=["pyo3", "pyo3-ffi", "cffi", "uniffi", "bin"],
        help="which kind of bindings to use (detected when not given)",
    )
    add("--profile", help="build with the given cargo profile")
    add_cargo_args(parser, generate_stubs_flag=False)
    parser.set_defaults(run=run)
