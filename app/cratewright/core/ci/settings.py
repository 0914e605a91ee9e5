"""The Release page's settings written into ``[tool.maturin.generate-ci.github]`` with tomlkit.

The table is the one both ``maturin generate-ci`` and ``cratewright generate-ci`` read, so a
setting made in the app is a setting of the CLI too. Edits go through tomlkit so the user's
comments, order and blank lines stay; the result is parsed again with tomllib and must equal
the old file everywhere outside ``[tool.maturin.generate-ci]``, else the edit is refused.

Ticking a target follows maturin's rules: once one platform table exists only listed
platforms are generated, so the first edit writes a table for every platform generated now
(empty tables keep their defaults); ``targets = [...]`` lists are edited in place and
``[[<platform>.target]]`` entries are added or removed whole, keeping their options.
"""

from __future__ import annotations

import tomllib
from typing import Any

import tomlkit
from tomlkit.items import AoT, Table
from tomlkit.toml_document import TOMLDocument

from cratewright.core.ci.platforms import PLATFORMS
from cratewright.core.ci.resolve import ResolvedCI
from cratewright.errors import ConfigError

__all__ = ["OPTION_KEYS", "set_option", "set_target"]

OPTION_KEYS = ("pytest", "zig", "skip-attestation", "trusted-publishing", "publishing-environment")


def _parse(text: str) -> TOMLDocument:
    try:
        return tomlkit.parse(text)
    except tomlkit.exceptions.TOMLKitError as exc:
        raise ConfigError(f"pyproject.toml is invalid TOML: {exc}") from None


def _child(table: Any, key: str) -> Any:
    if key not in table:
        table.add(key, tomlkit.table(is_super_table=True))
    child = table[key]
    if not isinstance(child, Table | TOMLDocument):
        raise ConfigError(f"`{key}` in pyproject.toml is not a table; cannot edit it")
    return child


def _github(document: TOMLDocument) -> Table:
    table: Any = document
    for key in ("tool", "maturin", "generate-ci"):
        table = _child(table, key)
    if "github" not in table:
        table.add("github", tomlkit.table())
    github = table["github"]
    if not isinstance(github, Table):
        raise ConfigError("[tool.maturin.generate-ci.github] in pyproject.toml is not a table")
    return github


def _outside_ci(data: dict[str, Any]) -> dict[str, Any]:
    maturin = dict(data.get("tool", {}).get("maturin", {}))
    maturin.pop("generate-ci", None)
    tool = {**data.get("tool", {}), "maturin": maturin}
    return {**data, "tool": tool}


def _checked(old: str, document: TOMLDocument) -> str:
    new = tomlkit.dumps(document)
    before, after = tomllib.loads(old), tomllib.loads(new)
    if _outside_ci(before) != _outside_ci(after):
        raise ConfigError("editing [tool.maturin.generate-ci.github] would change other keys; "
                          "nothing was written")  # fmt: skip
    return new


def set_option(text: str, key: str, value: bool | str | None) -> str:
    """Set a top-level option (``pytest = true``); False, "" or None removes the key."""
    if key not in OPTION_KEYS:
        raise ConfigError(f"unknown option {key!r}; expected one of {', '.join(OPTION_KEYS)}")
    document = _parse(text)
    github = _github(document)
    if value in (False, "", None):
        if key in github:
            del github[key]
    else:
        github[key] = value
    return _checked(text, document)


def _platform_tables(github: Table) -> list[str]:
    return [name for name in PLATFORMS if name in github]


def _add_platform_table(github: Table, name: str) -> Table:
    table = tomlkit.table()
    github.add(name, table)
    return table


def set_target(text: str, ci: ResolvedCI, platform: str, arch: str, enabled: bool) -> str:
    """Add (``enabled``) or remove ``arch`` from ``platform``'s targets in the table."""
    if platform not in PLATFORMS:
        raise ConfigError(f"unknown platform {platform!r}; expected one of {', '.join(PLATFORMS)}")
    document = _parse(text)
    github = _github(document)
    if not _platform_tables(github):
        for name in ci.platforms:
            _add_platform_table(github, name)
    current = [t.target for t in ci.platforms.get(platform, ())]
    wanted = [a for a in current if a != arch] + ([arch] if enabled and arch not in current else [])
    if not wanted:
        if _platform_tables(github) == [platform]:
            raise ConfigError("at least one target must stay: a release with no wheels builds "
                              "nothing (untick another first)")  # fmt: skip
        if platform in github:
            del github[platform]
        return _checked(text, document)
    table = github[platform] if platform in github else _add_platform_table(github, platform)
    entries = table.get("target")
    if isinstance(entries, AoT):
        kept = [entry for entry in entries if entry.get("arch") != arch]
        if enabled and arch not in current:
            new_entry = tomlkit.table()
            new_entry["arch"] = arch
            kept.append(new_entry)
        del table["target"]
        table.append("target", tomlkit.aot())
        for entry in kept:
            table["target"].append(entry)
    elif wanted == list(PLATFORMS[platform].default_targets) and "targets" not in table:
        pass  # an empty table already means the defaults
    else:
        table["targets"] = wanted
    return _checked(text, document)
