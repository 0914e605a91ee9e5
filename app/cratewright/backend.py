"""PEP 517 build backend: ``build-backend = "cratewright.backend"``.

A thin mapping of the hooks onto the core, as flit_core's buildapi does. It imports no Qt,
so pip's isolated build environment never needs PySide6. Like maturin's backend it builds
for the interpreter that runs the hook, in the release profile, with the plain ``linux``
compatibility unless the project or ``config_settings`` ask for more.
"""

from __future__ import annotations

import logging
import shlex
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from cratewright.core.build_plan import BuildOptions, plan_build
from cratewright.core.builder import build_wheels
from cratewright.errors import CratewrightError
from cratewright.events import Diagnostic, Event, Message, OutputLine

__all__ = [
    "build_sdist",
    "build_wheel",
    "get_requires_for_build_sdist",
    "get_requires_for_build_wheel",
]

log = logging.getLogger("cratewright")


def _sink(event: Event) -> None:
    """pip shows a backend's stderr; write cargo's output and our messages there."""
    if isinstance(event, OutputLine | Message):
        print(event.text, file=sys.stderr, flush=True)
    elif isinstance(event, Diagnostic):
        print(event.rendered.rstrip("\n"), file=sys.stderr, flush=True)


def _build_args(config_settings: Mapping[str, Any] | None) -> list[str]:
    """Extra cargo/build args from ``-C build-args="..."`` (maturin's spelling is accepted)."""
    settings = config_settings or {}
    value = settings.get("build-args") or settings.get("maturin.build-args") or ""
    values = value if isinstance(value, list) else [value]
    return [arg for item in values for arg in shlex.split(str(item))]


def _options(config_settings: Mapping[str, Any] | None, out: Path) -> BuildOptions:
    args = _build_args(config_settings)
    features = tuple(args[i + 1] for i, a in enumerate(args[:-1]) if a in ("-F", "--features"))
    profile = next((args[i + 1] for i, a in enumerate(args[:-1]) if a == "--profile"), None)
    return BuildOptions(
        interpreters=(sys.executable,),
        release=profile is None,
        profile=profile,
        out=out,
        compatibility=("linux",) if "--compatibility" not in args else (),
        features=features,
        locked="--locked" in args,
        cwd=Path.cwd(),
    )


def get_requires_for_build_wheel(config_settings: Mapping[str, Any] | None = None) -> list[str]:
    """Nothing beyond cratewright itself; cffi projects declare cffi in build-system.requires."""
    return []


def get_requires_for_build_sdist(config_settings: Mapping[str, Any] | None = None) -> list[str]:
    """Nothing beyond cratewright itself."""
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
        # pip prints the exception; make it the user-facing message, not a traceback of ours.
        raise SystemExit(f"💥 cratewright: {exc}") from None
    return wheel.path.name


def build_sdist(sdist_directory: str, config_settings: Mapping[str, Any] | None = None) -> str:
    """Source distributions are not built by this version of cratewright yet."""
    raise SystemExit(
        "💥 cratewright: building an sdist is not supported by this version yet; "
        "build a wheel instead (pip install . / pip wheel . do)"
    )
