"""Type stubs (``.pyi``) for pyo3 extensions, from the introspection data PyO3 embeds.

``--generate-stubs`` (build, develop) and ``cratewright generate-stubs`` need a crate built
with pyo3's ``experimental-inspect`` feature: then the compiled library describes its own
modules, classes and functions. Reading (:mod:`.chunks`, :mod:`.introspect`) and writing
(:mod:`.render`, :mod:`.imports`) are kept apart; :mod:`.placement` decides where the files
go for each project layout, as maturin does.
"""

from __future__ import annotations

from pathlib import Path, PurePosixPath

from cratewright.core.build.stubs.chunks import introspection_chunks
from cratewright.core.build.stubs.introspect import module_from_chunks
from cratewright.core.build.stubs.model import Module
from cratewright.core.build.stubs.render import module_stub, module_stub_files
from cratewright.errors import BuildError

__all__ = [
    "MISSING_FEATURE",
    "Module",
    "introspect_library",
    "module_stub",
    "module_stub_files",
    "stub_files_for_library",
]

MISSING_FEATURE = (
    "Failed to introspect the built libraries to generate type stubs, "
    'have you enabled the "experimental-inspect" PyO3 Cargo feature?'
)


def introspect_library(library: Path, module_name: str) -> Module:
    """The module ``module_name`` as the compiled ``library`` describes it.

    Raises:
        BuildError: maturin's message when the library has no (usable) introspection data,
            with the reason on a ``Caused by:`` line.
    """
    try:
        return module_from_chunks(introspection_chunks(library), module_name)
    except BuildError as exc:
        raise BuildError(f"{MISSING_FEATURE}\n  Caused by: {exc}") from None


def stub_files_for_library(library: Path, module_name: str) -> dict[PurePosixPath, str]:
    """Every ``.pyi`` of the extension, by path relative to its package directory."""
    return module_stub_files(introspect_library(library, module_name))
