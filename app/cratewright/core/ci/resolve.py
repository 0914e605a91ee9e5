"""Command-line options + ``[tool.maturin.generate-ci.github]`` -> one resolved release matrix.

The rules are maturin 1.16's (``src/ci/github/resolve.rs``): a flag is on when the CLI or the
table turns it on; ``--platform`` wins over the tables, and once any platform table exists
only the listed platforms are generated; every maturin-action input is taken from the
``[[target]]`` entry, else the platform table, else the default. On top of that, what maturin
lets through silently (a runner of the wrong OS, a Linux-only input on Windows, Emscripten for
a binary) is a ConfigError here.
"""

from __future__ import annotations

import shlex
from collections.abc import Mapping
from dataclasses import dataclass, field

from packaging.specifiers import InvalidSpecifier, SpecifierSet

from cratewright.core.ci.config import OVERRIDE_KEYS, GitHubCIConfig, PlatformConfig
from cratewright.core.ci.platforms import (
    DEFAULT_PLATFORMS,
    PLATFORMS,
    PlatformSpec,
    platform_spec,
    runner_family,
)
from cratewright.errors import ConfigError

__all__ = [
    "CIOptions",
    "ProjectFacts",
    "ResolvedCI",
    "ResolvedTarget",
    "min_python_minor",
    "resolve_ci",
]

# Inputs that only mean something to a Linux build inside a container.
_LINUX_ONLY = ("manylinux", "container", "docker-options", "before-script-linux")
_INTERPRETER_FLAGS = ("--find-interpreter", "-i", "--interpreter")


@dataclass(frozen=True)
class CIOptions:
    """The command line of ``generate-ci`` (maturin's deprecated flags, still honoured)."""

    platforms: tuple[str, ...] = ()
    pytest: bool = False
    zig: bool = False
    skip_attestation: bool = False
    manifest_path: str | None = None


@dataclass(frozen=True)
class ProjectFacts:
    """What the workflow needs to know about the project, decided by the project stage."""

    name: str
    bindings: str  # "pyo3" | "cffi" | "uniffi" | "bin"
    embeds_python: bool = False  # a bin crate linking pyo3
    abi3: bool = False
    abi3_minor: int | None = None
    has_pyproject: bool = True
    requires_python: str | None = None

    @property
    def is_bin(self) -> bool:
        """A binary wheel: no extension module, no interpreter to find."""
        return self.bindings == "bin"

    @property
    def needs_python(self) -> bool:
        """Whether the build jobs set up a Python (everything but a plain binary)."""
        return not self.is_bin or self.embeds_python


@dataclass(frozen=True)
class ResolvedTarget:
    """One matrix entry with every maturin-action input decided (None = not passed)."""

    target: str
    runner: str
    python_arch: str | None = None
    inputs: Mapping[str, str | None] = field(default_factory=dict)

    def get(self, key: str) -> str | None:
        """One of OVERRIDE_KEYS (``args`` is the extra maturin arguments)."""
        return self.inputs.get(key)


@dataclass(frozen=True)
class ResolvedCI:
    """The release as it will be generated: flags, and per platform its targets in order."""

    facts: ProjectFacts
    pytest: bool
    zig: bool
    skip_attestation: bool
    trusted_publishing: bool
    publishing_environment: str | None
    platforms: Mapping[str, tuple[ResolvedTarget, ...]]
    manifest_path: str | None = None

    @property
    def min_python_minor(self) -> int | None:
        """The smallest Python 3 minor ``requires-python`` allows (None when unbounded)."""
        return min_python_minor(self.facts.requires_python)


def min_python_minor(requires_python: str | None) -> int | None:
    """maturin's ``min_python3_minor``: the largest lower bound on 3.x among the specifiers."""
    if not requires_python:
        return None
    try:
        specifiers = SpecifierSet(requires_python)
    except InvalidSpecifier:
        return None
    minors = []
    for spec in specifiers:
        if spec.operator not in (">=", ">", "==", "~=") or spec.operator == "===":
            continue
        parts = spec.version.rstrip(".*").split(".")
        if parts[0] != "3" or len(parts) < 2 or not parts[1].isdigit():
            continue
        minor = int(parts[1])
        minors.append(minor + 1 if spec.operator == ">" else minor)
    return max(minors) if minors else None


def _chosen_platforms(
    options: CIOptions, config: GitHubCIConfig | None, facts: ProjectFacts
) -> list[str]:
    if options.platforms:
        chosen: set[str] = set()
        for name in options.platforms:
            if name == "all":
                chosen.update(DEFAULT_PLATFORMS if facts.is_bin else PLATFORMS)
            else:
                chosen.add(platform_spec(name).name)
        if facts.is_bin and "emscripten" in chosen:
            raise ConfigError(
                "--platform emscripten: a bin crate has no extension module for Pyodide to "
                "load; expected one of all, manylinux, musllinux, windows, macos, android",
            )
    elif config is not None and config.platforms:
        chosen = set(config.platforms)
        if facts.is_bin and "emscripten" in chosen:
            raise ConfigError(
                "[tool.maturin.generate-ci.github.emscripten]: a bin crate has no extension "
                "module for Pyodide to load; remove the table (maturin silently skips it)"
            )
    else:
        chosen = set(DEFAULT_PLATFORMS)
    return [name for name in PLATFORMS if name in chosen]


def _check_target(spec: PlatformSpec, resolved: ResolvedTarget, facts: ProjectFacts) -> None:
    where = f"[tool.maturin.generate-ci.github.{spec.name}] {resolved.target}"
    family = runner_family(resolved.runner)
    if family is not None and family != spec.runner_os:
        raise ConfigError(
            f"{where}: runner {resolved.runner!r} is a {family} runner and cannot build "
            f"{spec.title} wheels; expected a {spec.runner_os}-* runner (or a self-hosted label)"
        )
    if spec.name not in ("linux", "musllinux", "emscripten", "android"):
        for key in _LINUX_ONLY:
            if resolved.get(key) is not None:
                raise ConfigError(
                    f"{where}: `{key}` applies to Linux builds only (they run in a container); "
                    f"expected none of {', '.join(_LINUX_ONLY)} for {spec.name}"
                )
    args = resolved.get("args")
    if args and not facts.needs_python:
        try:
            words = shlex.split(args)
        except ValueError as exc:
            raise ConfigError(f"{where}: args {args!r} cannot be split: {exc}") from None
        for word in words:
            flag = word.split("=")[0]
            if flag in _INTERPRETER_FLAGS:
                raise ConfigError(
                    f"{where}: args has {flag} but the crate is a bin crate without pyo3: "
                    "it has no Python interpreter to choose; remove it"
                )


def _resolve_targets(
    spec: PlatformSpec, table: PlatformConfig | None, config: GitHubCIConfig | None
) -> tuple[ResolvedTarget, ...]:
    arches = (table.arches if table else None) or spec.default_targets
    resolved = []
    for arch in arches:
        entry = table.target_config(arch) if table else None
        defaults: dict[str, str | None] = {
            "runner": spec.default_runner(arch),
            "manylinux": spec.default_manylinux,
            "rust-toolchain": spec.default_rust_toolchain,
            "args": config.args if config else None,
        }
        inputs: dict[str, str | None] = {}
        for key in OVERRIDE_KEYS:
            value = entry.overrides.get(key) if entry else None
            if value is None and table is not None:
                value = table.overrides.get(key)
            inputs[key] = value if value is not None else defaults.get(key)
        runner = inputs.pop("runner") or spec.default_runner(arch)
        resolved.append(ResolvedTarget(arch, runner, spec.python_arch(arch), inputs))
    return tuple(resolved)


def resolve_ci(
    options: CIOptions, config: GitHubCIConfig | None, facts: ProjectFacts
) -> ResolvedCI:
    """Merge the CLI and the table into the matrix maturin would generate, or ConfigError."""
    platforms: dict[str, tuple[ResolvedTarget, ...]] = {}
    for name in _chosen_platforms(options, config, facts):
        spec = PLATFORMS[name]
        targets = _resolve_targets(spec, config.platforms.get(name) if config else None, config)
        for target in targets:
            _check_target(spec, target, facts)
        platforms[name] = targets
    cfg = config or GitHubCIConfig()
    return ResolvedCI(
        facts=facts,
        pytest=options.pytest or bool(cfg.pytest),
        zig=options.zig or bool(cfg.zig),
        skip_attestation=options.skip_attestation or bool(cfg.skip_attestation),
        trusted_publishing=bool(cfg.trusted_publishing),
        publishing_environment=cfg.publishing_environment,
        platforms=platforms,
        manifest_path=options.manifest_path,
    )
