"""The check step: would PyPI take these files, and would users get what they expect?

Each check gives a verdict per file: the metadata rules twine applies plus the readme rendered
as PyPI renders it, PyPI's platform tag list (no ``linux_*``), the manylinux audit of the
native files, the file size against the index's limit, license metadata, and requires-python
against the interpreter tags of the wheels (a wheel whose Python the project excludes can
never be installed). They read files only, so they run before anything is uploaded.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.tags import parse_tag
from packaging.version import Version

from cratewright.core.audit.pypi_tags import pypi_platform_problem
from cratewright.core.publish.checks import PYPI_MAX_FILE_SIZE, check_distribution
from cratewright.core.release.artifacts import ReleaseFile, ReleaseFiles
from cratewright.core.release.outcome import StepResult

__all__ = ["CheckVerdict", "check_release", "run_checks"]


@dataclass(frozen=True)
class CheckVerdict:
    """One check on one file: ``ok`` False means the release stops."""

    check: str
    file: str
    ok: bool
    message: str
    fix: str | None = None

    def line(self) -> str:
        """``✅ metadata: name.whl: passed`` or ``❌ ...``."""
        mark = "✅" if self.ok else "❌"
        return f"{mark} {self.check}: {self.file}: {self.message}"


def _metadata_of(file: ReleaseFile) -> dict[str, object]:
    from cratewright.core.release.dist_diff import read_contents

    return read_contents(file.path).metadata


def _metadata_verdicts(file: ReleaseFile) -> list[CheckVerdict]:
    """twine's checks, the readme rendering and PyPI's upload rules (platform tags too)."""
    result = check_distribution(file.path, repository=None)  # None: PyPI's rules are errors
    verdicts = []
    problem = pypi_platform_problem(file.path.name) if file.kind == "wheel" else None
    platform = [e for e in result.errors if e == problem]
    readme = [e for e in result.errors if "readme" in e]
    other = [e for e in result.errors if e not in platform and e not in readme]
    verdicts.append(
        CheckVerdict(
            "metadata",
            file.path.name,
            not other,
            other[0] if other else _valid(result.warnings),
            "correct the field in Cargo.toml or pyproject.toml and build again" if other else None,
        )
    )
    verdicts.append(
        CheckVerdict(
            "readme",
            file.path.name,
            not readme,
            readme[0] if readme else "renders as PyPI renders it",
            "fix the markup the message names (run `python -m readme_renderer README.rst`) or set "
            "readme to a Markdown file"
            if readme
            else None,
        )
    )
    if file.kind == "wheel":
        verdicts.append(
            CheckVerdict(
                "platform tag",
                file.path.name,
                not platform,
                platform[0] if platform else "a platform tag PyPI accepts",
                "build a manylinux or musllinux wheel (the default `--auditwheel repair`, or "
                "`--compatibility manylinux_2_17`), not `--compatibility linux`"
                if platform
                else None,
            )
        )
    return verdicts


def _valid(warnings: tuple[str, ...]) -> str:
    """The passing verdict, with twine's warnings (they do not stop an upload) named."""
    if not warnings:
        return "valid (twine's rules)"
    return f"valid (twine's rules), but: {'; '.join(warnings)}"


def _audit_verdict(file: ReleaseFile) -> CheckVerdict | None:
    """The manylinux audit of a native wheel: its tag must not promise more than it meets."""
    if file.kind != "wheel" or file.path.name.endswith("-any.whl"):
        return None
    from cratewright.core.audit import audit_path

    report = audit_path(file.path)
    name = file.path.name
    if report.errors:
        return CheckVerdict(
            "audit",
            name,
            False,
            report.errors[0],
            "fix the linkage the audit names and build again",
        )
    if report.policy == "none":
        return CheckVerdict("audit", name, True, "no native files")
    claimed = name[: -len(".whl")].split("-")[-1].split(".")
    if report.policy == "linux":
        return CheckVerdict(
            "audit", name, False,
            "the native files meet no manylinux or musllinux policy (linux only)",
            "bundle the external libraries (`cratewright repair`) or build on an older "
            "system (`--zig` or a manylinux container)",
        )  # fmt: skip
    floor = _policy_version(report.tag.split(".")[0])
    over = [t for t in claimed if (v := _policy_version(t)) and floor and v[0] == floor[0]
            and v[1] < floor[1]]  # fmt: skip
    if over:
        return CheckVerdict(
            "audit", name, False,
            f"the file name claims {over[0]} but the native files meet only {report.tag}",
            "build again without overriding the compatibility, or repair the wheel",
        )  # fmt: skip
    return CheckVerdict("audit", name, True, f"meets {report.policy} ({report.tag})")


_LEGACY = {"manylinux1": (2, 5), "manylinux2010": (2, 12), "manylinux2014": (2, 17)}


def _policy_version(tag: str) -> tuple[str, tuple[int, int]] | None:
    """(family, libc version) of a platform tag: ``manylinux_2_17_x86_64`` -> glibc 2.17."""
    for legacy, version in _LEGACY.items():
        if tag.startswith(legacy + "_"):
            return "manylinux", version
    match = re.match(r"^(manylinux|musllinux)_(\d+)_(\d+)_", tag)
    if match is None:
        return None  # linux_*, macOS, Windows: the platform tag check judges those
    return match.group(1), (int(match.group(2)), int(match.group(3)))


def _size_verdict(file: ReleaseFile, limit: int) -> CheckVerdict:
    mib = file.size / (1024 * 1024)
    if file.size > limit:
        return CheckVerdict(
            "size",
            file.path.name,
            False,
            f"{mib:.1f} MiB is over the index's limit of {limit / (1024 * 1024):.0f} MiB",
            "strip the library (release builds strip by default), drop debug info, or ask the "
            "index for a larger file limit",
        )
    return CheckVerdict("size", file.path.name, True, f"{mib:.2f} MiB, under the limit")


def _license_verdict(file: ReleaseFile, metadata: dict[str, object]) -> CheckVerdict:
    classifiers = [str(c) for c in metadata.get("classifiers") or []]  # type: ignore[attr-defined]
    if (
        metadata.get("license_expression")
        or metadata.get("license")
        or any(c.startswith("License ::") for c in classifiers)
    ):
        shown = metadata.get("license_expression") or metadata.get("license") or "classifier"
        return CheckVerdict("license", file.path.name, True, f"declared ({shown})")
    return CheckVerdict(
        "license",
        file.path.name,
        False,
        "no license metadata: users cannot tell whether they may use the package",
        'set `license = "MIT"` (or your SPDX expression) in Cargo.toml [package] or '
        "pyproject.toml [project]",
    )


_INTERPRETER = re.compile(r"^(?:cp|py|pp)(\d)(\d*)$")


def _tag_pythons(filename: str) -> list[tuple[Version, bool]]:
    """(lowest Python version, is abi3) per interpreter tag of a wheel's name."""
    found = []
    tag_text = "-".join(filename[: -len(".whl")].split("-")[-3:])
    for tag in parse_tag(tag_text):
        match = _INTERPRETER.match(tag.interpreter)
        if match is None or not match.group(2):
            continue
        found.append((Version(f"{match.group(1)}.{match.group(2)}"), tag.abi == "abi3"))
    return found


def _python_verdict(file: ReleaseFile, metadata: dict[str, object]) -> CheckVerdict | None:
    if file.kind != "wheel":
        return None
    text = metadata.get("requires_python")
    name = file.path.name
    if not text:
        return CheckVerdict("requires-python", name, True, "not set (every Python may try)")
    try:
        spec = SpecifierSet(str(text))
    except InvalidSpecifier:
        return CheckVerdict(
            "requires-python",
            name,
            False,
            f"{text!r} is not a specifier",
            'write requires-python as e.g. ">=3.9"',
        )
    for version, abi3 in _tag_pythons(name):
        if abi3:
            newer = [Version(f"3.{minor}") for minor in range(version.minor, 40)]
            if not any(spec.contains(v, prereleases=True) for v in newer):
                return CheckVerdict(
                    "requires-python",
                    name,
                    False,
                    f"requires-python {text} excludes every Python this abi3 wheel is for "
                    f"(>= {version})",
                    "widen requires-python in pyproject.toml or build for another abi3 floor",
                )
        elif not spec.contains(version, prereleases=True):
            return CheckVerdict(
                "requires-python",
                name,
                False,
                f"the wheel is for Python {version} but requires-python is {text}: pip will "
                "never install it",
                "build for the Pythons requires-python allows (`-i`), or widen "
                "requires-python in pyproject.toml",
            )
    return CheckVerdict("requires-python", name, True, f"{text} fits the wheel's tags")


def run_checks(files: ReleaseFiles, *, size_limit: int = PYPI_MAX_FILE_SIZE) -> list[CheckVerdict]:
    """Every check on every file, in a stable order."""
    verdicts: list[CheckVerdict] = []
    for file in files.files:
        verdicts += _metadata_verdicts(file)
        try:
            metadata = _metadata_of(file)
        except Exception as exc:  # an unreadable archive is already a metadata failure
            verdicts.append(CheckVerdict("metadata", file.path.name, False, str(exc)))
            continue
        audit = _audit_verdict(file)
        verdicts += [v for v in (audit, _size_verdict(file, size_limit)) if v is not None]
        verdicts.append(_license_verdict(file, metadata))
        python = _python_verdict(file, metadata)
        if python is not None:
            verdicts.append(python)
    return verdicts


def check_release(
    files: ReleaseFiles, *, size_limit: int = PYPI_MAX_FILE_SIZE
) -> tuple[StepResult, list[CheckVerdict]]:
    """The check step's result: failed at the first file that would go wrong."""
    verdicts = run_checks(files, size_limit=size_limit)
    failed = [v for v in verdicts if not v.ok]
    details = tuple(v.line() for v in verdicts)
    if failed:
        first = failed[0]
        more = f" (and {len(failed) - 1} more problem(s))" if len(failed) > 1 else ""
        return StepResult(
            "check",
            "failed",
            f"{first.check}: {first.file}: {first.message}{more}",
            first.fix,
            details,
        ), verdicts
    return StepResult(
        "check",
        "passed",
        f"{len(files.files)} file(s) passed {len(verdicts)} checks",
        None,
        details,
    ), verdicts
