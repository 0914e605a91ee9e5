"""After cargo ran: does the extension really have the ABI its wheel tag is about to claim?

The plan decides abi3 from cargo's resolved features before compiling; cargo's
``compiler-artifact`` messages then say which features pyo3-ffi was really compiled with.
When the two disagree (a sibling's features leaked into the plan, a stale lock file, a
``--config`` that changes features) the wheel would lie about its ABI: a ``cp39-abi3`` tag on
a version-specific extension installs on every CPython and crashes on all but one. So the
build stops here with an error instead of writing that wheel.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from cratewright.core.build.plan import WheelJob
from cratewright.errors import BuildError

__all__ = ["CompiledAbi3", "check_compiled_abi3", "compiled_abi3"]

# pyo3-ffi carries the ABI decision; pyo3 (older releases have no -ffi) and its build
# config see the same features. The first one compiled is the witness.
_WITNESSES = ("pyo3-ffi", "pyo3", "pyo3-build-config")
_ABI3_FEATURE = re.compile(r"^abi3-py3(\d+)$")
_TAG_MINOR = re.compile(r"^cp3(\d+)$")


@dataclass(frozen=True)
class CompiledAbi3:
    """What the compiled features say: the witness crate, abi3 or not, and its minimum."""

    crate: str
    features: tuple[str, ...]

    @property
    def minimum(self) -> int | None:
        """The smallest ``abi3-py3X`` minor compiled in (None for none or a bare abi3)."""
        minors = [int(m.group(1)) for f in self.features if (m := _ABI3_FEATURE.match(f))]
        return min(minors) if minors else None

    @property
    def is_abi3(self) -> bool:
        """Whether pyo3 was compiled for the stable ABI."""
        return self.minimum is not None or "abi3" in self.features

    def describe(self) -> str:
        """e.g. "pyo3-ffi was compiled with features [abi3, abi3-py39, default]"."""
        listed = ", ".join(sorted(self.features)) or "none"
        return f"{self.crate} was compiled with features [{listed}]"


def compiled_abi3(features_by_crate: Mapping[str, Sequence[str]]) -> CompiledAbi3 | None:
    """The witness among the compiled crates (name -> features), or None without pyo3."""
    for crate in _WITNESSES:
        if crate in features_by_crate:
            return CompiledAbi3(crate, tuple(features_by_crate[crate]))
    return None


def check_compiled_abi3(job: WheelJob, compiled: CompiledAbi3 | None) -> None:
    """Raise BuildError when ``job``'s tag and the compiled pyo3 features disagree.

    A version-specific job may still see abi3 features when its interpreter cannot use the
    stable ABI (PyPy, free-threaded CPython, a CPython below the abi3 minimum): pyo3 then
    builds a version-specific module itself, so only a stable-ABI-capable interpreter at or
    above the minimum counts as "the reverse".
    """
    if compiled is None:
        return
    tag = job.label
    if job.abi3:
        if not compiled.is_abi3:
            raise BuildError(
                f"The wheel was planned as {tag} (stable ABI) but {compiled.describe()}: the "
                "extension is version-specific, so no wheel was written",
                hint="the abi3 decision came from features cargo did not use for this package; "
                "run `cargo tree -e features -i pyo3-ffi` in the crate to see who enables what",
            )
        planned = _TAG_MINOR.match(job.python_tag)
        if planned and compiled.minimum is not None and compiled.minimum > int(planned.group(1)):
            raise BuildError(
                f"The wheel was planned as {tag} but {compiled.describe()}: the extension needs "
                f"CPython 3.{compiled.minimum} or newer, so no wheel was written"
            )
        return
    interp = job.interpreter
    if not compiled.is_abi3 or interp is None or not interp.supports_abi3:
        return
    if compiled.minimum is not None and interp.minor < compiled.minimum:
        return
    raise BuildError(
        f"The wheel was planned as {tag} (version-specific) but {compiled.describe()}: the "
        "extension uses the stable ABI, so no wheel was written",
        hint="the plan did not see the abi3 feature cargo compiled with; pass it explicitly "
        "(-F pyo3/abi3-py3X) or remove it",
    )
