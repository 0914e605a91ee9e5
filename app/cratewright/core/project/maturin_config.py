"""``[tool.maturin]`` read exactly as maturin reads it, into one typed, validated object.

Existing maturin projects must open unchanged, so the keys, their kebab-case spelling, the
``manylinux`` alias of ``compatibility`` and the deprecated ``skip-auditwheel`` are all kept.
Bad types are reported with the key's full name so users can find the line to fix.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from cratewright.core.project.conditional_features import validate_conditional_feature
from cratewright.core.project.shapes import check_maturin_table
from cratewright.errors import ConfigError

__all__ = [
    "AUDITWHEEL_MODES",
    "BINDINGS",
    "GlobPattern",
    "MaturinConfig",
    "OutDirSource",
    "SbomConfig",
    "parse_maturin_config",
]

BINDINGS = ("pyo3", "pyo3-ffi", "cffi", "uniffi", "bin")
AUDITWHEEL_MODES = ("repair", "check", "warn", "skip")
Format = Literal["sdist", "wheel"]

# Every key maturin 1.16 accepts in [tool.maturin]; unknown keys only warn there too.
_KNOWN_KEYS = frozenset(
    {
        "bindings", "compatibility", "manylinux", "auditwheel", "skip-auditwheel",
        "python-source", "python-packages", "module-name", "include", "exclude", "data",
        "features", "profile", "editable-profile", "strip", "manifest-path", "locked",
        "frozen", "all-features", "no-default-features", "config", "unstable-flags",
        "rustc-args", "targets", "target", "sdist-generator", "include-import-lib",
        "use-base-python", "pgo-command", "sbom", "generate-ci",
    }
)  # fmt: skip


@dataclass(frozen=True)
class OutDirSource:
    """``from = "out-dir"``: the glob is relative to a build script's OUT_DIR.

    ``to`` is the folder inside the wheel; ``crate_name`` the package whose build script it
    is (None: the crate being built), as in maturin's ``crate-name``.
    """

    to: str
    crate_name: str | None = None


@dataclass(frozen=True)
class GlobPattern:
    """One ``include``/``exclude`` entry; a plain string applies to both formats.

    An entry with ``from_out_dir`` is matched against OUT_DIR after compiling, for wheels
    only; it is no project-root glob, so :meth:`applies_to` is false for it.
    """

    path: str
    formats: frozenset[str] = frozenset({"sdist", "wheel"})
    from_out_dir: OutDirSource | None = None

    def applies_to(self, fmt: Format) -> bool:
        """Whether this pattern is a project glob meant for an sdist or a wheel build."""
        return self.from_out_dir is None and fmt in self.formats


@dataclass(frozen=True)
class SbomConfig:
    """``[tool.maturin.sbom]``: which SBOMs go into ``<dist-info>/sboms/`` (PEP 770).

    ``rust``: the CycloneDX SBOM of the crate's dependency graph; ``auditwheel``: the one
    naming the OS packages of libraries a repair bundles; ``include``: more SBOM files, by
    their file name (paths relative to pyproject.toml, or the cwd for ``--sbom-include``).
    """

    rust: bool = True
    auditwheel: bool = True
    include: tuple[Path, ...] = ()


@dataclass(frozen=True)
class MaturinConfig:
    """The ``[tool.maturin]`` table; ``None`` means "not set", so the CLI default applies."""

    bindings: str | None = None
    compatibility: tuple[str, ...] = ()
    auditwheel: str | None = None
    python_source: Path | None = None
    python_packages: tuple[str, ...] = ()
    module_name: str | None = None
    include: tuple[GlobPattern, ...] = ()
    exclude: tuple[GlobPattern, ...] = ()
    data: Path | None = None
    features: tuple[str, ...] = ()
    conditional_features: tuple[Mapping[str, str], ...] = ()
    profile: str | None = None
    editable_profile: str | None = None
    strip: bool | None = None
    manifest_path: Path | None = None
    locked: bool | None = None
    frozen: bool | None = None
    all_features: bool | None = None
    no_default_features: bool | None = None
    config: tuple[str, ...] = ()
    unstable_flags: tuple[str, ...] = ()
    rustc_args: tuple[str, ...] = ()
    sdist_generator: str = "cargo"
    sbom: SbomConfig = field(default_factory=SbomConfig)
    use_base_python: bool = False
    pgo_command: str | None = None
    unknown_keys: tuple[str, ...] = field(default=())


# The shapes (types) of every key were checked by check_maturin_table before these run; what
# is left here are the value rules (known choices, "out-dir") and the conversions.


def _str_list(table: Mapping[str, Any], key: str) -> tuple[str, ...]:
    value = table.get(key)
    if value is None:
        return ()
    return (value,) if isinstance(value, str) else tuple(value)


def _opt(table: Mapping[str, Any], key: str) -> Any:
    return table.get(key)


def _out_dir_source(item: Mapping[str, Any], key: str) -> OutDirSource:
    if item.get("from") != "out-dir":
        raise ConfigError(f'[tool.maturin] {key}.from must be "out-dir", got {item.get("from")!r}')
    to = item.get("to")
    if not to:
        raise ConfigError(
            f'[tool.maturin] {key}.to must be a folder in the wheel, e.g. "my_package/"'
        )
    return OutDirSource(to=to, crate_name=item.get("crate-name"))


def _glob_patterns(table: Mapping[str, Any], key: str) -> tuple[GlobPattern, ...]:
    patterns = []
    for item in table.get(key, []):
        if isinstance(item, str):
            patterns.append(GlobPattern(item))
            continue
        path = item["path"]
        fmt = item.get("format", ["sdist", "wheel"])
        formats = [fmt] if isinstance(fmt, str) else fmt
        if "from" in item:
            # `{from = "out-dir", to = ...}` copies build-script output into wheels only.
            patterns.append(GlobPattern(path, frozenset({"wheel"}), _out_dir_source(item, key)))
            continue
        patterns.append(GlobPattern(path, frozenset(formats)))
    return tuple(patterns)


def _features(table: Mapping[str, Any]) -> tuple[tuple[str, ...], tuple[Mapping[str, str], ...]]:
    plain: list[str] = []
    conditional: list[Mapping[str, str]] = []
    for item in table.get("features", []):
        if isinstance(item, str):
            plain.append(item)
            continue
        entry = validate_conditional_feature(item)
        # A table without conditions is a plain feature, as in maturin's FeatureSpec::split.
        if len(entry) == 1:
            plain.append(entry["feature"])
        else:
            conditional.append(entry)
    return tuple(plain), tuple(conditional)


def _sbom(table: Mapping[str, Any], base_dir: Path) -> SbomConfig:
    value = table.get("sbom")
    if value is None:
        return SbomConfig()
    unknown = sorted(set(value) - {"rust", "auditwheel", "include"})
    if unknown:
        raise ConfigError(
            f"[tool.maturin] sbom has unknown key(s) {', '.join(unknown)}; "
            "expected rust, auditwheel, include"
        )
    rust = _opt(value, "rust")
    auditwheel = _opt(value, "auditwheel")
    include = tuple(base_dir / path for path in _str_list(value, "include"))
    return SbomConfig(
        rust=True if rust is None else rust,
        auditwheel=True if auditwheel is None else auditwheel,
        include=include,
    )


def _choice(table: Mapping[str, Any], key: str, allowed: tuple[str, ...]) -> str | None:
    value = _opt(table, key)
    if value is not None and value not in allowed:
        raise ConfigError(f"[tool.maturin] {key} = {value!r} is not one of: {', '.join(allowed)}")
    return value


def parse_maturin_config(table: Mapping[str, Any] | None, base_dir: Path) -> MaturinConfig:
    """Validate ``[tool.maturin]``; relative paths are resolved against ``base_dir``.

    ``base_dir`` is the directory of the pyproject.toml, which is what maturin resolves
    python-source, data and manifest-path against.
    """
    if table is None or table == {}:
        return MaturinConfig()
    check_maturin_table(table)
    compatibility = _str_list(table, "compatibility") or _str_list(table, "manylinux")
    auditwheel = _choice(table, "auditwheel", AUDITWHEEL_MODES)
    if auditwheel is None and table.get("skip-auditwheel") is True:
        auditwheel = "skip"
    plain_features, conditional = _features(table)

    def path(key: str) -> Path | None:
        value = _opt(table, key)
        return None if value is None else (base_dir / value)

    module_name = _opt(table, "module-name")
    return MaturinConfig(
        bindings=_choice(table, "bindings", BINDINGS),
        compatibility=compatibility,
        auditwheel=auditwheel,
        python_source=path("python-source"),
        python_packages=_str_list(table, "python-packages"),
        module_name=module_name,
        include=_glob_patterns(table, "include"),
        exclude=_glob_patterns(table, "exclude"),
        data=path("data"),
        features=plain_features,
        conditional_features=conditional,
        profile=_opt(table, "profile"),
        editable_profile=_opt(table, "editable-profile"),
        strip=_opt(table, "strip"),
        manifest_path=path("manifest-path"),
        locked=_opt(table, "locked"),
        frozen=_opt(table, "frozen"),
        all_features=_opt(table, "all-features"),
        no_default_features=_opt(table, "no-default-features"),
        config=_str_list(table, "config"),
        unstable_flags=_str_list(table, "unstable-flags"),
        rustc_args=_str_list(table, "rustc-args"),
        sdist_generator=_choice(table, "sdist-generator", ("cargo", "git")) or "cargo",
        sbom=_sbom(table, base_dir),
        use_base_python=bool(_opt(table, "use-base-python")),
        pgo_command=_opt(table, "pgo-command"),
        unknown_keys=tuple(sorted(set(table) - _KNOWN_KEYS)),
    )
