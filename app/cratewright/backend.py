"""PEP 517 / PEP 660 build backend: ``build-backend = "cratewright.backend"``.

A thin mapping of the hooks onto the core, as flit_core's buildapi does. It imports no Qt,
so pip's isolated build environment never needs PySide6. Like maturin's backend it builds
for the interpreter that runs the hook, in the release profile (``[tool.maturin] profile``,
or ``editable-profile`` for editable builds, when set; ``use-base-python`` builds for the
base interpreter of the hook's venv), with the plain ``linux`` platform tag
unless ``config_settings`` ask for more. Extra build arguments come from ``-C build-args=...``
(maturin's ``maturin.build-args`` spelling and ``MATURIN_PEP517_ARGS`` are accepted too).
"""

from __future__ import annotations

import os
import platform
import shlex
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from cratewright.core.build import BuildOptions, build_wheels, plan_build
from cratewright.errors import CratewrightError
from cratewright.events import Diagnostic, Event, Message, OutputLine

__all__ = [
    "build_editable",
    "build_sdist",
    "build_wheel",
    "get_requires_for_build_editable",
    "get_requires_for_build_sdist",
    "get_requires_for_build_wheel",
    "prepare_metadata_for_build_editable",
    "prepare_metadata_for_build_wheel",
]


def _sink(event: Event) -> None:
    """pip shows a backend's stderr; write cargo's output and our messages there."""
    if isinstance(event, OutputLine | Message):
        print(event.text, file=sys.stderr, flush=True)
    elif isinstance(event, Diagnostic):
        print(event.rendered.rstrip("\n"), file=sys.stderr, flush=True)


def _fail(exc: CratewrightError) -> SystemExit:
    # pip prints the exception; make it the user-facing message, not a traceback of ours.
    return SystemExit(f"💥 cratewright: {exc}")


def _build_args(config_settings: Mapping[str, Any] | None) -> list[str]:
    """Extra build args from ``-C build-args="..."``, else from ``MATURIN_PEP517_ARGS``."""
    settings = config_settings or {}
    value = settings.get("build-args") or settings.get("maturin.build-args")
    if value is None:
        value = os.environ.get("MATURIN_PEP517_ARGS", "")
    values = value if isinstance(value, list) else [value]
    return [arg for item in values for arg in shlex.split(str(item))]


def _values(args: list[str], *flags: str) -> tuple[str, ...]:
    """Every value given to ``flags`` as ``--flag value`` or ``--flag=value``."""
    found: list[str] = []
    for index, arg in enumerate(args):
        name, eq, inline = arg.partition("=")
        if name in flags:
            if eq:
                found.append(inline)
            elif index + 1 < len(args):
                found.append(args[index + 1])
    return tuple(found)


def _options(
    config_settings: Mapping[str, Any] | None, out: Path, *, editable: bool = False
) -> BuildOptions:
    args = _build_args(config_settings)
    features = tuple(
        f for value in _values(args, "-F", "--features") for f in value.replace(",", " ").split()
    )
    profiles = _values(args, "--profile")
    profile = profiles[-1] if profiles else None
    if profile is None:
        profile = _pyproject_profile(editable=editable)
    compatibility = _values(args, "--compatibility", "--manylinux") or ("linux",)
    targets = _values(args, "--target")
    return BuildOptions(
        interpreters=(str(_interpreter()),),
        release=profile is None and "--debug" not in args,
        profile=profile,
        out=out,
        compatibility=compatibility,
        features=features,
        all_features="--all-features" in args,
        no_default_features="--no-default-features" in args,
        target=targets[-1] if targets else None,
        locked="--locked" in args,
        frozen="--frozen" in args,
        offline="--offline" in args,
        generate_stubs="--generate-stubs" in args,
        cwd=Path.cwd(),
    )


def _interpreter() -> str:
    """The hook's interpreter, or its base one with ``use-base-python`` (as maturin's shim).

    pip runs the hook in an isolated venv; building for the base interpreter instead keeps
    cargo's cache valid across venvs (``MATURIN_PEP517_USE_BASE_PYTHON=1|true`` does the same).
    """
    from cratewright.core.project import open_project

    wanted = os.environ.get("MATURIN_PEP517_USE_BASE_PYTHON", "").lower() in ("1", "true")
    if not wanted:
        try:
            wanted = open_project(None, cwd=Path.cwd()).maturin.use_base_python
        except CratewrightError:
            wanted = False  # the build itself reports the broken project
    base = getattr(sys, "_base_executable", None)
    if wanted and base and Path(base).exists():
        return os.path.realpath(base)
    return sys.executable


def _pyproject_profile(*, editable: bool) -> str | None:
    from cratewright.core.project import open_project

    try:
        maturin = open_project(None, cwd=Path.cwd()).maturin
    except CratewrightError:
        return None  # the build itself reports the broken project
    if editable and maturin.editable_profile:
        return maturin.editable_profile
    return maturin.profile


def _requires(config_settings: Mapping[str, Any] | None) -> list[str]:
    """cffi bindings need cffi at build time (on CPython), as with maturin."""
    from cratewright.core.metadata import load_overview

    try:
        overview = load_overview(None, cwd=Path.cwd())
    except CratewrightError:
        return []
    if overview.bindings.kind == "cffi" and platform.python_implementation() != "PyPy":
        return ["cffi"]
    return []


def get_requires_for_build_wheel(config_settings: Mapping[str, Any] | None = None) -> list[str]:
    """Build requirements beyond cratewright itself (cffi for cffi bindings)."""
    return _requires(config_settings)


def get_requires_for_build_editable(
    config_settings: Mapping[str, Any] | None = None,
) -> list[str]:
    """Same as for a wheel."""
    return _requires(config_settings)


def get_requires_for_build_sdist(config_settings: Mapping[str, Any] | None = None) -> list[str]:
    """Nothing beyond cratewright itself (cargo must be on PATH)."""
    return []


def build_wheel(
    wheel_directory: str,
    config_settings: Mapping[str, Any] | None = None,
    metadata_directory: str | None = None,
) -> str:
    """Build one wheel for the running interpreter into ``wheel_directory``."""
    try:
        plan = plan_build(_options(config_settings, Path(wheel_directory)), sink=_sink)
        (wheel, *_rest) = build_wheels(plan, sink=_sink)
    except CratewrightError as exc:
        raise _fail(exc) from None
    return wheel.path.name


def build_editable(
    wheel_directory: str,
    config_settings: Mapping[str, Any] | None = None,
    metadata_directory: str | None = None,
) -> str:
    """PEP 660: a wheel whose .pth serves the project's Python sources in place."""
    from cratewright.core.develop import build_editable_wheel

    try:
        options = _options(config_settings, Path(wheel_directory), editable=True)
        plan = plan_build(options, sink=_sink)
        wheel = build_editable_wheel(plan, Path(wheel_directory), sink=_sink)
    except CratewrightError as exc:
        raise _fail(exc) from None
    return wheel.path.name


def build_sdist(sdist_directory: str, config_settings: Mapping[str, Any] | None = None) -> str:
    """The project's sdist, as ``cratewright sdist`` builds it."""
    from cratewright.core.sdist import build_sdist as core_build_sdist

    try:
        path = core_build_sdist(None, Path(sdist_directory), sink=_sink, cwd=Path.cwd())
    except CratewrightError as exc:
        raise _fail(exc) from None
    return path.name


def _write_metadata(metadata_directory: str) -> str:
    from cratewright.core.metadata import load_overview

    try:
        metadata = load_overview(None, cwd=Path.cwd(), sink=_sink).metadata
    except CratewrightError as exc:
        raise _fail(exc) from None
    dist_info = Path(metadata_directory) / metadata.dist_info
    files = {"METADATA": metadata.render().encode("utf-8")}
    entry_points = metadata.entry_points_txt()
    if entry_points:
        files["entry_points.txt"] = entry_points.encode("utf-8")
    for license_file in metadata.license_files:
        files[f"licenses/{license_file.archive_name}"] = license_file.source.read_bytes()
    for name, data in files.items():
        target = dist_info / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    return dist_info.name


def prepare_metadata_for_build_wheel(
    metadata_directory: str, config_settings: Mapping[str, Any] | None = None
) -> str:
    """The wheel's ``.dist-info`` (METADATA, entry points, licenses) without compiling."""
    return _write_metadata(metadata_directory)


def prepare_metadata_for_build_editable(
    metadata_directory: str, config_settings: Mapping[str, Any] | None = None
) -> str:
    """Same metadata as for a regular wheel."""
    return _write_metadata(metadata_directory)
