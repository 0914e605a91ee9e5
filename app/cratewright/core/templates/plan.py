"""The files of a new project, as a pure function of the options: {relative path: text}.

Nothing here touches the disk, so the wizard can preview exactly what Create will write and
tests can check every combination without building it.
"""

from __future__ import annotations

import tomllib

from cratewright.core.templates.names import check_name
from cratewright.core.templates.options import NewProjectOptions
from cratewright.core.templates.python_files import (
    gitignore,
    package_init,
    package_test,
    pyproject_toml,
    python_source_dir,
    readme,
)
from cratewright.core.templates.rust_files import cargo_toml, crate_source
from cratewright.errors import NewProjectError

__all__ = ["CI_WORKFLOW", "ci_workflow", "plan_project", "validate_options"]


CI_WORKFLOW = ".github/workflows/CI.yml"
CI_COMMAND = ("cratewright", "generate-ci", "github", "-o", CI_WORKFLOW)


def ci_workflow(options: NewProjectOptions, pyproject_text: str) -> str:
    """The GitHub Actions release workflow, from the same engine as ``generate-ci github``.

    The project's facts come from the options (nothing is on disk yet, and cargo need not
    run): the workflow is exactly what ``generate-ci`` writes once the project exists.
    """
    from cratewright.core.ci.generate import render, resolve_for_project
    from cratewright.core.ci.resolve import CIOptions, ProjectFacts

    facts = ProjectFacts(
        name=options.name,
        bindings=options.bindings,
        abi3=options.abi3,
        abi3_minor=options.abi3_minimum[1] if options.abi3 and options.abi3_minimum else None,
        has_pyproject=True,
        requires_python=options.requires_python,
    )
    resolved = resolve_for_project(tomllib.loads(pyproject_text), facts, CIOptions())
    return render(resolved, "github", command=CI_COMMAND)


def validate_options(options: NewProjectOptions) -> None:
    """Refuse options that cannot make a working project, with the reason."""
    check = check_name(options.name)
    if not check.ok:
        raise NewProjectError(f"Invalid project name {options.name!r}: {check.problem}")
    if options.abi3_minimum is not None and options.bindings != "pyo3":
        raise NewProjectError(f"abi3 is a pyo3 feature; it cannot be used with {options.bindings}")
    if options.license:
        from packaging.licenses import InvalidLicenseExpression, canonicalize_license_expression

        try:
            canonical = canonicalize_license_expression(options.license)
        except InvalidLicenseExpression as exc:
            raise NewProjectError(f"Invalid license expression: {exc}") from exc
        if canonical != options.license:
            raise NewProjectError(
                f"License expression {options.license!r} should be spelled {canonical!r}"
            )


def plan_project(options: NewProjectOptions) -> dict[str, str]:
    """Every file of the new project, relative POSIX path -> text, sorted by path."""
    validate_options(options)
    crate = "rust/" if options.layout == "mixed-src" else ""
    source_name, source = crate_source(options)
    files = {
        f"{crate}Cargo.toml": cargo_toml(options),
        f"{crate}src/{source_name}": source,
        "pyproject.toml": pyproject_toml(options),
        "README.md": readme(options),
        ".gitignore": gitignore(options),
    }
    python_dir = python_source_dir(options)
    if python_dir is not None:
        files[f"{python_dir}/{options.module}/__init__.py"] = package_init(options)
        files[f"tests/test_{options.module}.py"] = package_test(options)
    if options.ci:
        files[CI_WORKFLOW] = ci_workflow(options, files["pyproject.toml"])
    return dict(sorted(files.items()))
