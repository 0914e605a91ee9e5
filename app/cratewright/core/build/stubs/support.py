"""Can this project's stubs be generated? What ``--generate-stubs`` needs, said before a build.

Generation needs a pyo3 extension (not cffi, uniffi or a binary) whose pyo3 dependency has
the ``experimental-inspect`` feature; PyO3 then embeds what each declarative
``#[pymodule] mod`` holds. Only the build can prove the module is declarative, so a crate
that passes here may still fail with maturin's message afterwards.
"""

from __future__ import annotations

from dataclasses import dataclass

from cratewright.core.cargo.metadata import CargoMetadata
from cratewright.core.project.bindings import Bindings

__all__ = ["INSPECT_FEATURE", "REQUIREMENT", "StubSupport", "stub_support"]

INSPECT_FEATURE = "experimental-inspect"
REQUIREMENT = (
    'Needs pyo3 with its "experimental-inspect" feature and the module declared as '
    "`#[pymodule] mod name { ... }`."
)


@dataclass(frozen=True)
class StubSupport:
    """``ready`` when the crate has what stub generation needs; ``reason`` says why not."""

    ready: bool
    reason: str


def stub_support(bindings: Bindings, cargo: CargoMetadata) -> StubSupport:
    """Whether ``--generate-stubs`` can work for this project, and a sentence saying so."""
    if bindings.kind != "pyo3":
        return StubSupport(
            False, f"Only pyo3 extensions have stubs to generate ({bindings.label})."
        )
    package = cargo.find_dependency("pyo3")  # pyo3-ffi alone has no introspection
    features = cargo.resolved_features(package["id"]) if package is not None else ()
    if INSPECT_FEATURE not in features:
        return StubSupport(
            False,
            f'pyo3 is built without "{INSPECT_FEATURE}": add features = ["{INSPECT_FEATURE}"] '
            "to the pyo3 dependency in Cargo.toml.",
        )
    return StubSupport(True, f'pyo3 is built with "{INSPECT_FEATURE}".')
