"""``[tool.maturin.generate-ci.github]`` read into typed values, checked key by key.

maturin deserialises this table with serde and ignores what it does not know, so a typo such
as ``[tool.maturin.generate-ci.github.freebsd]`` or ``targets = ["sparc"]`` silently yields
a different workflow. Here every unknown key, wrong type or unknown arch is a ConfigError
that names the key and lists the allowed values.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from cratewright.core.ci.platforms import PLATFORMS
from cratewright.errors import ConfigError

__all__ = [
    "OVERRIDE_KEYS",
    "GitHubCIConfig",
    "Overrides",
    "PlatformConfig",
    "TargetConfig",
    "github_table",
    "parse_github_config",
]

TABLE = "[tool.maturin.generate-ci.github]"
# Keys a platform table and a [[<platform>.target]] entry may set (maturin's CIConfigOverrides).
OVERRIDE_KEYS = (
    "runner", "manylinux", "container", "docker-options", "rust-toolchain",
    "rustup-components", "before-script-linux", "args",
)  # fmt: skip
_BOOL_KEYS = ("pytest", "zig", "skip-attestation", "trusted-publishing")
_STRING_KEYS = ("args", "publishing-environment")


@dataclass(frozen=True)
class Overrides:
    """maturin-action inputs set at platform or target level; None means "not set here"."""

    values: Mapping[str, str] = field(default_factory=dict)

    def get(self, key: str) -> str | None:
        """The value of one of OVERRIDE_KEYS, None when this level leaves it open."""
        return self.values.get(key)


@dataclass(frozen=True)
class TargetConfig:
    """One ``[[<platform>.target]]`` entry: an arch and its own overrides."""

    arch: str
    overrides: Overrides


@dataclass(frozen=True)
class PlatformConfig:
    """One platform table: ``targets = [...]`` or ``[[target]]`` entries, plus overrides."""

    targets: tuple[str, ...] | None = None
    target: tuple[TargetConfig, ...] | None = None
    overrides: Overrides = field(default_factory=Overrides)

    @property
    def arches(self) -> tuple[str, ...] | None:
        """The arches this table lists, None when it keeps the platform's defaults."""
        if self.target is not None:
            return tuple(entry.arch for entry in self.target)
        return self.targets

    def target_config(self, arch: str) -> TargetConfig | None:
        """The ``[[target]]`` entry for ``arch`` (the first, as maturin), if any."""
        return next((entry for entry in self.target or () if entry.arch == arch), None)


@dataclass(frozen=True)
class GitHubCIConfig:
    """The whole ``[tool.maturin.generate-ci.github]`` table; None for what is unset."""

    pytest: bool | None = None
    zig: bool | None = None
    skip_attestation: bool | None = None
    trusted_publishing: bool | None = None
    publishing_environment: str | None = None
    args: str | None = None
    platforms: Mapping[str, PlatformConfig] = field(default_factory=dict)


def _allowed(values: Iterable[str]) -> str:
    return ", ".join(values)


def _expect_table(value: Any, where: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise ConfigError(f"{where} must be a table, not {type(value).__name__} {value!r}")
    return value


def _check_keys(table: Mapping[str, Any], allowed: tuple[str, ...], where: str, what: str) -> None:
    for key in table:
        if key not in allowed:
            raise ConfigError(
                f"{where}: unknown {what} `{key}`; expected one of {_allowed(allowed)}"
            )


def _string(value: Any, where: str) -> str:
    if not isinstance(value, str):
        raise ConfigError(f"{where} must be a string, not {value!r}")
    return value


def _overrides(table: Mapping[str, Any], where: str) -> Overrides:
    values = {key: _string(table[key], f"{where} {key}") for key in OVERRIDE_KEYS if key in table}
    return Overrides(values)


def _check_arch(platform: str, arch: Any, where: str) -> str:
    spec = PLATFORMS[platform]
    arch = _string(arch, where)
    if not spec.accepts(arch):
        raise ConfigError(
            f"{where}: unknown arch {arch!r} for {platform}; expected one of "
            f"{_allowed(spec.arches)} (or a full Rust target triple for {spec.title})"
        )
    return arch


def _platform(name: str, table: Any) -> PlatformConfig:
    where = f"[tool.maturin.generate-ci.github.{name}]"
    table = _expect_table(table, where)
    _check_keys(table, ("targets", "target", *OVERRIDE_KEYS), where, "key")
    if "targets" in table and "target" in table:
        raise ConfigError(f"{where}: `targets` and `[[target]]` are mutually exclusive")
    targets = target = None
    if "targets" in table:
        listed = table["targets"]
        if not isinstance(listed, list) or not listed:
            raise ConfigError(f"{where} targets must be a non-empty list of arches")
        targets = tuple(_check_arch(name, arch, f"{where} targets") for arch in listed)
    if "target" in table:
        entries = table["target"]
        if not isinstance(entries, list) or not entries:
            raise ConfigError(f"{where}: `[[target]]` must not be empty")
        target = tuple(_target(name, entry, where) for entry in entries)
    return PlatformConfig(targets, target, _overrides(table, where))


def _target(platform: str, entry: Any, where: str) -> TargetConfig:
    entry_where = f"{where[:-1]}.target]"
    entry = _expect_table(entry, entry_where)
    _check_keys(entry, ("arch", *OVERRIDE_KEYS), entry_where, "key")
    if "arch" not in entry:
        raise ConfigError(f"{entry_where}: every entry needs `arch`")
    arch = _check_arch(platform, entry["arch"], f"{entry_where} arch")
    return TargetConfig(arch, _overrides(entry, entry_where))


def parse_github_config(table: Any) -> GitHubCIConfig | None:
    """Read ``[tool.maturin.generate-ci.github]`` (None when absent) or raise ConfigError."""
    if table is None:
        return None
    table = _expect_table(table, TABLE)
    for key in table:
        if key in _BOOL_KEYS or key in _STRING_KEYS:
            continue
        if key not in PLATFORMS and isinstance(table[key], Mapping):
            raise ConfigError(
                f"[tool.maturin.generate-ci.github.{key}]: unknown platform table; expected "
                f"one of {_allowed(PLATFORMS)}"
            )
        if key not in PLATFORMS:
            raise ConfigError(
                f"{TABLE}: unknown key `{key}`; expected one of "
                f"{_allowed((*_BOOL_KEYS, *_STRING_KEYS))} or a platform table "
                f"({_allowed(PLATFORMS)})"
            )
    flags: dict[str, Any] = {}
    for key in _BOOL_KEYS:
        if key in table:
            if not isinstance(table[key], bool):
                raise ConfigError(f"{TABLE} {key} must be true or false, not {table[key]!r}")
            flags[key.replace("-", "_")] = table[key]
    for key in _STRING_KEYS:
        if key in table:
            flags[key.replace("-", "_")] = _string(table[key], f"{TABLE} {key}")
    platforms = {name: _platform(name, table[name]) for name in PLATFORMS if name in table}
    return GitHubCIConfig(**flags, platforms=platforms)


def github_table(pyproject: Mapping[str, Any] | None) -> Any:
    """The raw ``[tool.maturin.generate-ci.github]`` value of a parsed pyproject, or None."""
    tool = (pyproject or {}).get("tool", {})
    maturin = tool.get("maturin", {}) if isinstance(tool, Mapping) else {}
    ci = maturin.get("generate-ci", {}) if isinstance(maturin, Mapping) else {}
    if not isinstance(ci, Mapping):
        raise ConfigError("[tool.maturin.generate-ci] must be a table")
    return ci.get("github")
