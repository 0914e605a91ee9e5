"""Edit metadata fields in the user's own TOML files, changing nothing else.

A :class:`MetadataSession` holds the text of every file that feeds the metadata
(pyproject.toml, the crate's Cargo.toml, the workspace root Cargo.toml) as it was read, plus
the edited text. :meth:`MetadataSession.set_field` writes a value to the file that owns the
field (see :attr:`FieldView.target`) with tomlkit, so comments, order and blank lines stay,
and then re-parses the result with tomllib: if the data differs from the intended change
anywhere else (tomlkit has known slips around dotted keys such as ``version.workspace =
true``), the edit is refused. :meth:`save` writes atomically and refuses to overwrite a file
that changed on disk since it was read (:class:`FileChangedError`) unless told to.
"""

from __future__ import annotations

import copy
import difflib
import hashlib
import os
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import tomlkit

from cratewright.core.metadata.field_specs import CARGO_URL_KEYS, field_spec
from cratewright.core.metadata.field_view import Location, Manifests, MetadataView
from cratewright.core.metadata.fields import build_view, parse_toml_text
from cratewright.core.metadata.toml_edit import plain_set, toml_set
from cratewright.core.project.locate import open_project
from cratewright.core.project.toml_files import decode_toml_bytes
from cratewright.core.user_files import read_user_file, remove_stale_temps, safe_resolve
from cratewright.errors import CratewrightError, FileChangedError, MetadataError, ProjectError
from cratewright.events import EventSink, null_sink

__all__ = [
    "FileChange",
    "FollowUpChange",
    "MetadataSession",
    "TomlFile",
    "load_metadata_view",
]


@dataclass
class TomlFile:
    """One TOML file: the bytes read from disk (with their hash) and the edited text."""

    path: Path
    original: bytes
    digest: str
    text: str

    @classmethod
    def read(cls, path: Path) -> TomlFile:
        """Read ``path``; the hash taken now is what :meth:`MetadataSession.save` compares."""
        data = read_user_file(path, "the TOML file")
        text = decode_toml_bytes(data, path)
        parse_toml_text(text, path)
        return cls(path, data, hashlib.sha256(data).hexdigest(), text)

    @property
    def original_text(self) -> str:
        """The text as read from disk."""
        return self.original.decode("utf-8")

    @property
    def changed(self) -> bool:
        """True when the edited text differs from the file on disk (as read)."""
        return self.text.encode("utf-8") != self.original


@dataclass(frozen=True)
class FileChange:
    """A file whose text would change on save."""

    path: Path
    old: str
    new: str

    def diff(self) -> str:
        """A unified diff (``a/`` and ``b/`` are the file's name)."""
        return "".join(
            difflib.unified_diff(
                self.old.splitlines(keepends=True),
                self.new.splitlines(keepends=True),
                f"a/{self.path.name}",
                f"b/{self.path.name}",
            )
        )


@dataclass(frozen=True)
class FollowUpChange:
    """A file that Save does not write but that changes because of it (e.g. Cargo.lock)."""

    path: Path
    reason: str


class MetadataSession:
    """The metadata files of one project, opened for viewing and editing."""

    def __init__(self, cargo_path: Path, pyproject_path: Path | None) -> None:
        self.cargo_path = cargo_path
        self.pyproject_path = pyproject_path
        self.files: dict[Path, TomlFile] = {cargo_path: TomlFile.read(cargo_path)}
        if pyproject_path is not None:
            self.files[pyproject_path] = TomlFile.read(pyproject_path)
        self.workspace_path = _find_workspace_manifest(
            cargo_path, parse_toml_text(self.files[cargo_path].text, cargo_path)
        )
        if self.workspace_path is not None and self.workspace_path not in self.files:
            self.files[self.workspace_path] = TomlFile.read(self.workspace_path)

    @classmethod
    def open(cls, path: Path | None = None, *, cwd: Path | None = None) -> MetadataSession:
        """Open the project at ``path`` (dir, Cargo.toml or pyproject.toml) like a build would."""
        project = open_project(path, cwd=cwd)
        return cls(project.cargo_toml, project.pyproject_toml)

    # -- reading ---------------------------------------------------------------------------

    def manifests(self, *, as_read: bool = False) -> Manifests:
        """The current (possibly edited) texts, parsed; ``as_read``: the texts as read."""

        def parse(path: Path | None) -> dict[str, Any] | None:
            if path is None:
                return None
            file = self.files[path]
            return parse_toml_text(file.original_text if as_read else file.text, path)

        cargo = parse(self.cargo_path)
        assert cargo is not None
        return Manifests(
            self.cargo_path,
            cargo,
            self.pyproject_path,
            parse(self.pyproject_path),
            self.workspace_path,
            parse(self.workspace_path),
        )

    def view(self, *, sink: EventSink = null_sink) -> MetadataView:
        """Fields, provenance, problems and METADATA of the current texts."""
        return build_view(self.manifests(), sink=sink)

    # -- editing ---------------------------------------------------------------------------

    def target_for(self, key: str, value: Any) -> Location:
        """The key that setting ``key`` to ``value`` writes (see :meth:`set_field`).

        Raises:
            MetadataError: The field cannot be edited in this project.
        """
        spec = field_spec(key)
        view = self.view().fields[spec.key]
        if view.locked or view.target is None:
            raise MetadataError(f"`{spec.key}` cannot be edited: {view.locked or 'no owner'}")
        target = view.target
        inherited = view.provenance.inherited_via
        if _is_empty(value) and inherited is not None and spec.key != "urls":
            # removing an inherited value drops `x.workspace = true` from this member only;
            # the workspace root keeps it for the other members
            return inherited
        if spec.key == "readme" and target.key == ("project", "readme"):
            current = (self.manifests().project or {}).get("readme")
            if isinstance(current, Mapping) and "file" in current and not _is_empty(value):
                return Location(target.file, ("project", "readme", "file"))
        return target

    def set_field(self, key: str, value: Any) -> list[Path]:
        """Write ``value`` (editor shape, None/empty to remove) to the file owning ``key``.

        Returns the files whose text changed (empty when the value was already set).

        Raises:
            MetadataError: The field cannot be edited here, or the edit would not round-trip.
        """
        spec = field_spec(key)
        target = self.target_for(spec.key, value)
        view = self.view().fields[spec.key]
        if _same(view.value, value):
            return []
        required = spec.key == "name" or (spec.key == "version" and target.key[0] != "project")
        if required and _is_empty(value):
            raise MetadataError(f"`{spec.key}` is required and cannot be removed")
        if spec.key == "urls" and target.key == ("package",):
            return self._set_cargo_urls(value)
        if spec.kind == "contacts" and target.key[0] != "project":
            value = [_cargo_contact(c) for c in value or []]
        self._edit(target, None if _is_empty(value) else value)
        return [target.file]

    def _set_cargo_urls(self, value: Mapping[str, str] | None) -> list[Path]:
        wanted = dict(value or {})
        aliases = {"source": "repository", "repository": "repository", "home": "homepage"}
        by_label = {label.lower(): key for label, key in CARGO_URL_KEYS}
        per_key: dict[str, str | None] = {key: None for _, key in CARGO_URL_KEYS}
        for label, url in wanted.items():
            key = by_label.get(label.lower()) or aliases.get(label.lower())
            if key is None:
                raise MetadataError(
                    f"Cargo.toml has no place for the URL label {label!r}",
                    hint="Cargo.toml holds only Homepage, Documentation and Source Code; "
                    'add "urls" to [project] in pyproject.toml for other labels',
                )
            per_key[key] = url
        changed: list[Path] = []
        manifests = self.manifests()
        for key, url in per_key.items():
            current = manifests.package.get(key)
            location = Location(self.cargo_path, ("package", key))
            if isinstance(current, Mapping) and current.get("workspace") is True and url:
                assert self.workspace_path is not None
                location = Location(self.workspace_path, ("workspace", "package", key))
                current = manifests.workspace_package.get(key)
            if current == url:
                continue
            self._edit(location, url)
            changed.append(location.file)
        return changed

    def _edit(self, location: Location, value: Any) -> None:
        """Apply one key change with tomlkit; keep it only if tomllib agrees with the intent."""
        file = self.files[location.file]
        before = parse_toml_text(file.text, file.path)
        expected = copy.deepcopy(before)
        plain_set(expected, location.key, value)
        try:
            document = tomlkit.parse(file.text)
        except Exception as exc:  # tomllib accepted it; tomlkit must not crash the editor
            raise MetadataError(f"{file.path} cannot be edited safely: {exc}") from None
        toml_set(document, location.key, value)
        new_text = tomlkit.dumps(document)
        if new_text.endswith("\n\n") and not file.text.endswith("\n\n"):
            new_text = new_text[:-1]  # the blank line we put after a new table ended the file
        if "\r\n" in file.text and file.text.count("\r\n") == file.text.count("\n"):
            new_text = new_text.replace("\r\n", "\n").replace("\n", "\r\n")  # keep CRLF
        try:
            # Only the TOML round trip is compared here ("other": no shape check); a value of
            # the wrong shape is reported with its key path when the edited files are read.
            actual = parse_toml_text(new_text, file.path, "other")
        except ProjectError:
            actual = None
        if actual != expected:
            raise MetadataError(
                f"Editing `{location.dotted}` in {file.path} would change other values "
                "(a tomlkit formatting issue); nothing was changed",
                hint="edit this key by hand",
            )
        file.text = new_text

    # -- undo support, changes, saving -----------------------------------------------------

    def snapshot(self) -> dict[Path, str]:
        """The current texts, for undo."""
        return {path: file.text for path, file in self.files.items()}

    def restore(self, snapshot: Mapping[Path, str]) -> None:
        """Go back to texts taken with :meth:`snapshot`."""
        for path, text in snapshot.items():
            self.files[path].text = text

    def changes(self) -> list[FileChange]:
        """Every file whose text differs from what was read."""
        return [
            FileChange(f.path, f.original_text, f.text) for f in self.files.values() if f.changed
        ]

    def follow_up_changes(self) -> list[FollowUpChange]:
        """Files outside the session that change after Save: a new crate name or version is
        written into Cargo.lock by the next cargo call (opening the project, building)."""
        changed = [
            what
            for path in (self.cargo_path, self.workspace_path)
            if path is not None and self.files[path].changed
            for what in _identity_changes(self.files[path])
        ]
        root = self.workspace_path.parent if self.workspace_path else self.cargo_path.parent
        lock = root / "Cargo.lock"
        if not changed or not lock.is_file():
            return []
        return [
            FollowUpChange(lock, f"cargo records the new {' and '.join(changed)} on its next run")
        ]

    def changed_on_disk(self) -> list[Path]:
        """Edited files that somebody else changed since we read them."""
        return [f.path for f in self.files.values() if f.changed and _digest(f.path) != f.digest]

    def stale_files(self) -> list[Path]:
        """Files (edited or not) whose bytes on disk are no longer the ones read: the view
        shows an older state of the project than the disk holds."""
        return [f.path for f in self.files.values() if _digest(f.path) != f.digest]

    def pending_fields(self) -> dict[str, Any]:
        """The fields whose edited value differs from the files as read: the user's edits,
        as values (editor shape), independent of the texts they were written into."""
        read = build_view(self.manifests(as_read=True)).fields
        edited = self.view().fields
        return {key: f.value for key, f in edited.items() if not _same(read[key].value, f.value)}

    def rebase(self) -> list[str]:
        """Read every file again from disk and apply the pending edits on top of it.

        For a change this app made itself while edits were pending (a Release-page tick
        writes pyproject.toml): Save then writes both, with nothing to overwrite. Returns
        the keys re-applied.

        Raises:
            MetadataError: The disk changed a field that is also edited here, or an edit
                no longer applies; the session is left as it was (its edits and texts).
        """
        pending = self.pending_fields()
        read = build_view(self.manifests(as_read=True)).fields
        kept = self.files
        try:
            self.files = {path: TomlFile.read(path) for path in kept}
            now = self.view().fields
            both = [
                key
                for key, value in pending.items()
                if not _same(read[key].value, now[key].value) and not _same(now[key].value, value)
            ]
            if both:
                raise MetadataError(
                    f"`{'`, `'.join(both)}` changed on disk and is edited here too",
                    hint="keep your edits (Save asks before overwriting) or discard them",
                )
            for key, value in pending.items():
                self.set_field(key, value)
            edited = self.view().fields
            if any(not _same(edited[key].value, value) for key, value in pending.items()):
                raise MetadataError("the edits do not apply to the files as they are now")
        except CratewrightError:
            self.files = kept
            raise
        return list(pending)

    def save(self, *, overwrite: bool = False) -> list[Path]:
        """Write every changed file atomically; returns the files written.

        Raises:
            FileChangedError: A file changed on disk since it was read (nothing is written),
                unless ``overwrite`` is set.
            MetadataError: A text does not parse back to what was intended.
        """
        changes = self.changes()
        if not overwrite:
            stale = self.changed_on_disk()
            if stale:
                names = ", ".join(str(p) for p in stale)
                raise FileChangedError(
                    f"{names} changed on disk since it was opened; nothing was written",
                    hint="reload to see the new contents, or save again to overwrite them",
                )
        for change in changes:  # check everything before writing anything
            parse_toml_text(change.new, change.path)
        written = []
        for change in changes:
            data = change.new.encode("utf-8")
            _atomic_write(change.path, data)
            if _read(change.path) != data:
                raise MetadataError(f"{change.path} did not read back as written")
            file = self.files[change.path]
            file.original = data
            file.digest = hashlib.sha256(data).hexdigest()
            written.append(change.path)
        return written


def load_metadata_view(path: Path | None = None, *, cwd: Path | None = None) -> MetadataView:
    """Open a project and return its metadata view (what ``metadata show`` prints)."""
    return MetadataSession.open(path, cwd=cwd).view()


# ---------------------------------------------------------------------------------------------
# Helpers


def _identity_changes(file: TomlFile) -> list[str]:
    """Which of the crate's name/version (or the workspace's version) an edit changes."""
    before = parse_toml_text(file.original_text, file.path)
    after = parse_toml_text(file.text, file.path)
    changes = []
    for key in ("name", "version"):
        old = (
            before.get("package", {}).get(key),
            before.get("workspace", {}).get("package", {}).get(key),
        )
        new = (
            after.get("package", {}).get(key),
            after.get("workspace", {}).get("package", {}).get(key),
        )
        if old != new:
            changes.append(key)
    return changes


def _find_workspace_manifest(cargo_path: Path, cargo: Mapping[str, Any]) -> Path | None:
    """The workspace root Cargo.toml the crate belongs to, as cargo finds it."""
    if "workspace" in cargo:
        return cargo_path
    package = cargo.get("package", {})
    explicit = package.get("workspace") if isinstance(package, Mapping) else None
    if isinstance(explicit, str):
        candidate = safe_resolve(
            cargo_path.parent / explicit / "Cargo.toml", "package.workspace", error=MetadataError
        )
        return candidate if candidate.is_file() else None
    for directory in cargo_path.parent.parents:
        candidate = directory / "Cargo.toml"
        if candidate.is_file():
            data = parse_toml_text(TomlFile.read(candidate).text, candidate)
            if "workspace" in data:
                return candidate
    return None


def _digest(path: Path) -> str | None:
    data = _read(path)
    return None if data is None else hashlib.sha256(data).hexdigest()


def _read(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except OSError:
        return None


def _temp_prefix(path: Path) -> str:
    return f".{path.name}."


def _atomic_write(path: Path, data: bytes) -> None:
    """Write to a temp file next to ``path``, keep its mode, then ``os.replace``."""
    try:
        mode = path.stat().st_mode & 0o7777
    except OSError:
        mode = 0o644
    remove_stale_temps(path.parent, _temp_prefix(path), ".tmp")
    fd, temp = tempfile.mkstemp(prefix=_temp_prefix(path), suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        Path(temp).chmod(mode)
        Path(temp).replace(path)
    except OSError as exc:
        Path(temp).unlink(missing_ok=True)
        raise MetadataError(f"Cannot write {path}: {exc.strerror or exc}") from None


def _is_empty(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == {}


def _same(current: Any, new: Any) -> bool:
    if _is_empty(current) and _is_empty(new):
        return True
    return bool(current == new)


def _cargo_contact(contact: Mapping[str, str] | str) -> str:
    """A contact as Cargo writes authors: ``Name <email>``."""
    if isinstance(contact, str):
        return contact
    name, email = contact.get("name") or "", contact.get("email") or ""
    if name and email:
        return f"{name} <{email}>"
    return name or email
