"""One exception tree for every expected failure.

Each error's ``str()`` is the complete, user-facing message: the CLI prints it after
``error:`` and the GUI shows it as is, so nobody downstream builds messages of their own.
Anything that is *not* a CratewrightError is a bug and may show a traceback.
"""

from __future__ import annotations

from pathlib import Path

__all__ = [
    "AuditError",
    "BuildCancelled",
    "BuildError",
    "CargoError",
    "ConfigError",
    "CratewrightError",
    "CredentialsError",
    "FileChangedError",
    "InstallError",
    "InterpreterError",
    "MetadataError",
    "NewProjectError",
    "ProjectError",
    "PublishError",
    "SdistError",
    "ToolMissingError",
]


class CratewrightError(Exception):
    """Root of all expected failures; the message is meant for the user."""

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        if self.hint:
            return f"{self.message}\n  hint: {self.hint}"
        return self.message


class ProjectError(CratewrightError):
    """The project on disk cannot be read: missing or unparsable Cargo.toml / pyproject.toml.

    ``path``/``line``/``column`` locate the problem when it is known, so the GUI can show the
    offending lines; the message already names them for the CLI.
    """

    def __init__(
        self,
        message: str,
        *,
        hint: str | None = None,
        path: Path | None = None,
        line: int | None = None,
        column: int | None = None,
    ) -> None:
        super().__init__(message, hint=hint)
        self.path = path
        self.line = line
        self.column = column


class ConfigError(ProjectError):
    """A value in ``[tool.maturin]`` or on the command line is invalid."""


class MetadataError(ProjectError):
    """Package metadata (name, version, readme, license...) is invalid or cannot be resolved."""


class ToolMissingError(CratewrightError):
    """An external program we need (cargo, cbindgen, uniffi-bindgen) is not installed."""


class CargoError(CratewrightError):
    """cargo ran but failed outside compilation (``cargo metadata``, resolution, lock file)."""


class BuildError(CratewrightError):
    """Compilation or wheel assembly failed; cargo's own diagnostics were already emitted."""


class BuildCancelled(CratewrightError):
    """The user cancelled the build; nothing was left in the output directory."""


class InterpreterError(CratewrightError):
    """A Python interpreter could not be found, run or used for this project."""


class AuditError(CratewrightError):
    """The built library does not meet the requested manylinux/musllinux policy."""


class FileChangedError(MetadataError):
    """A file we were about to save changed on disk since it was read; nothing was written."""


class NewProjectError(CratewrightError):
    """``new`` / ``init`` refused or failed: a bad name, an existing path, an unwritable folder.

    Nothing of the new project is left on disk when this is raised.
    """


class SdistError(CratewrightError):
    """A source distribution could not be assembled (cargo package, path dependencies, paths)."""


class InstallError(CratewrightError):
    """``develop`` found no environment to install into, or the installer (pip/uv) failed."""


class PublishError(CratewrightError):
    """An upload was refused or could not be attempted (repository, checks, network, server)."""


class CredentialsError(PublishError):
    """No usable credentials: none stored, no secure keyring, or a prompt was impossible."""
