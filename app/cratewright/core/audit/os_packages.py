"""Which OS package installed a library file, read from the package database (no programs run).

maturin 1.16 (like auditwheel's vendored ``whichprovides``) asks the package manager, ``dpkg -S``
then ``dpkg -s``, ``rpm -qf`` or ``apk info --who-owns``, to name the package behind every library
it bundles, and records the answers in the repaired wheel's SBOM. We read the same answers from
the databases those commands read, so nothing is executed:

* the distro comes from ``/etc/os-release`` (``ID=``); without it nothing is looked up;
* the provider is the first of dpkg, rpm, apk whose database exists (maturin takes the first
  of the three programs on ``PATH``);
* dpkg: the ``/var/lib/dpkg/info/<package>[:<arch>].list`` naming the file gives the package,
  the ``Version:`` of its stanza in ``/var/lib/dpkg/status`` the version;
* apk: the ``P:``/``V:`` stanza of ``/lib/apk/db/installed`` whose ``F:`` + ``R:`` lines name
  the file, split into name and version the way maturin splits ``apk``'s ``<name>-<version>``;
* rpm: its database is binary (Berkeley DB, ndb or SQLite holding header blobs) and is not
  read: libraries stay unattributed, exactly as maturin leaves out a library whose package
  manager gives no answer.

The file is looked up by its real path (maturin canonicalises it first). Unlike ``dpkg -S``,
the /usr-merge spellings of that path (``/lib/...`` for ``/usr/lib/...`` and back) count too
when they really lead to the same file, because Debian's file lists still use the old ones.
Every read is bounded, and an unreadable or malformed database means "no package found".
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

__all__ = [
    "OsPackage",
    "find_os_packages",
    "purl_encode",
    "read_distro_id",
]

_OS_RELEASE_ID_RE = re.compile(r'^ID=(?:"([^"]*)"|(.*))\s*$', re.MULTILINE)
_VERSION_RE = re.compile(rb"^Version:\s*(\S+)", re.MULTILINE)
_APK_OWNER_RE = re.compile(r"(.+)-(\d[^\s]*)$")
_USRMERGE_DIRS = ("bin", "sbin", "lib", "lib32", "lib64", "libx32")
_PURL_SAFE = frozenset(b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._")

_MAX_OS_RELEASE = 64 << 10
_MAX_LIST_FILES = 100_000
_MAX_LIST_SIZE = 64 << 20
_MAX_DATABASE_SIZE = 512 << 20
_MAX_STANZA = 16 << 20
_READ_CHUNK = 1 << 20


@dataclass(frozen=True)
class OsPackage:
    """The OS package a file belongs to.

    Attributes:
        package_type: PURL type of the package manager: ``deb``, ``rpm`` or ``apk``.
        name: Package name (without dpkg's ``:<arch>``).
        version: Package version as the package manager spells it (``3.40.1-2+deb12u2``).
        distro: ``ID`` of ``/etc/os-release`` (``debian``), if known.
    """

    package_type: str
    name: str
    version: str
    distro: str | None

    def purl(self) -> str:
        """``pkg:<type>[/<distro>]/<name>@<version>``, each part percent-encoded like maturin."""
        distro = f"{purl_encode(self.distro)}/" if self.distro is not None else ""
        return (
            f"pkg:{self.package_type}/{distro}{purl_encode(self.name)}@{purl_encode(self.version)}"
        )


def purl_encode(value: str) -> str:
    """Percent-encode every byte but ASCII letters, digits and ``-._`` (maturin's PURL rule)."""
    return "".join(
        chr(byte) if byte in _PURL_SAFE else f"%{byte:02X}" for byte in value.encode("utf-8")
    )


def _read_bounded(path: Path, limit: int) -> bytes | None:
    """At most ``limit`` bytes of a file, or None when it is unreadable or larger."""
    try:
        with path.open("rb") as fh:
            data = fh.read(limit + 1)
    except OSError:
        return None
    return None if len(data) > limit else data


def read_distro_id(root: Path | str = "/") -> str | None:
    """The ``ID=`` of ``<root>/etc/os-release`` (quotes removed), or None."""
    data = _read_bounded(Path(root) / "etc/os-release", _MAX_OS_RELEASE)
    if data is None:
        return None
    match = _OS_RELEASE_ID_RE.search(data.decode("utf-8", "replace"))
    if match is None:
        return None
    return match.group(1) if match.group(1) is not None else match.group(2)


def _host_path(path: str, root: str) -> tuple[str, str] | None:
    """(real path on this machine, the same path as the package database spells it)."""
    real = os.path.realpath(path)
    if root == "/":
        return real, real
    if real == root or not real.startswith(root + "/"):
        return None
    return real, real[len(root) :]


def _spellings(real: str, host: str, root: str) -> list[str]:
    """``host`` plus its /usr-merge aliases that really resolve to the same file."""
    found = [host]
    for top in _USRMERGE_DIRS:
        for old, new in ((f"/usr/{top}/", f"/{top}/"), (f"/{top}/", f"/usr/{top}/")):
            if host.startswith(old):
                alias = new + host[len(old) :]
                on_disk = alias if root == "/" else root + alias
                if alias not in found and os.path.realpath(on_disk) == real:
                    found.append(alias)
    return found


def _lookup_keys(paths: Iterable[str], root: str) -> dict[str, list[bytes]]:
    keys: dict[str, list[bytes]] = {}
    for path in paths:
        if path in keys:
            continue
        located = _host_path(path, root)
        if located is not None:
            keys[path] = [os.fsencode(s) for s in _spellings(*located, root)]
    return keys


def _dpkg_owners(info_dir: Path, keys: dict[str, list[bytes]]) -> dict[str, str]:
    """Library path -> ``<package>[:<arch>]`` whose ``.list`` file names it."""
    try:
        lists = sorted(p.name for p in info_dir.iterdir() if p.name.endswith(".list"))
    except OSError:
        return {}
    owners: dict[str, str] = {}
    basenames = {key.rsplit(b"/", 1)[-1] for spelled in keys.values() for key in spelled}
    for name in lists[:_MAX_LIST_FILES]:
        if len(owners) == len(keys):
            break
        data = _read_bounded(info_dir / name, _MAX_LIST_SIZE)
        if data is None or not any(base in data for base in basenames):
            continue
        lines = set(data.splitlines())
        for path, spelled in keys.items():
            if path not in owners and any(key in lines for key in spelled):
                owners[path] = name[: -len(".list")]
    return owners


def _stanzas(path: Path) -> Iterator[bytes]:
    """The blank-line separated stanzas of a dpkg/apk database, read in chunks, bounded."""
    try:
        with path.open("rb") as fh:
            pending = b""
            total = 0
            while total <= _MAX_DATABASE_SIZE:
                chunk = fh.read(_READ_CHUNK)
                total += len(chunk)
                if not chunk:
                    break
                pending += chunk
                *done, pending = re.split(rb"\n[ \t]*\n", pending)
                yield from done
                if len(pending) > _MAX_STANZA:
                    return
            else:
                return
    except OSError:
        return
    if pending.strip():
        yield pending


def _field(stanza: bytes, name: bytes) -> bytes | None:
    match = re.search(rb"^" + re.escape(name) + rb":[ \t]*(.*?)[ \t]*$", stanza, re.MULTILINE)
    return match.group(1) if match else None


def _dpkg_versions(status: Path, owners: Iterable[str]) -> dict[str, str]:
    """``<package>[:<arch>]`` -> version from the status file (the arch's stanza first)."""
    wanted = {owner: owner.partition(":") for owner in owners}
    exact: dict[str, str] = {}
    any_arch: dict[str, str] = {}
    for stanza in _stanzas(status):
        package = _field(stanza, b"Package")
        if package is None:
            continue
        arch = _field(stanza, b"Architecture") or b""
        version = _VERSION_RE.search(stanza)
        if version is None:
            continue
        text = version.group(1).decode("utf-8", "replace")
        for owner, (name, _sep, want_arch) in wanted.items():
            if package != name.encode("utf-8", "surrogateescape"):
                continue
            any_arch.setdefault(owner, text)
            if want_arch and arch.decode("ascii", "replace") == want_arch:
                exact.setdefault(owner, text)
        if len(exact) == len(wanted):
            break
    return {owner: exact.get(owner) or any_arch[owner] for owner in wanted if owner in any_arch}


def _dpkg_packages(root: Path, keys: dict[str, list[bytes]], distro: str) -> dict[str, OsPackage]:
    owners = _dpkg_owners(root / "var/lib/dpkg/info", keys)
    versions = _dpkg_versions(root / "var/lib/dpkg/status", set(owners.values()))
    found = {}
    for path, owner in owners.items():
        if owner in versions:
            name = owner.partition(":")[0]
            found[path] = OsPackage("deb", name, versions[owner], distro)
    return found


def _apk_packages(
    database: Path, keys: dict[str, list[bytes]], distro: str
) -> dict[str, OsPackage]:
    wanted = {key: path for path, spelled in keys.items() for key in spelled}
    found: dict[str, OsPackage] = {}
    for stanza in _stanzas(database):
        name = version = None
        directory = b""
        for line in stanza.splitlines():
            tag, _sep, value = line.partition(b":")
            if tag == b"P":
                name = value
            elif tag == b"V":
                version = value
            elif tag == b"F":
                directory = b"/" + value.strip(b"/") if value.strip(b"/") else b""
            elif tag == b"R" and name and version:
                path = wanted.get(directory + b"/" + value)
                if path is None or path in found:
                    continue
                owner = f"{name.decode('utf-8', 'replace')}-{version.decode('utf-8', 'replace')}"
                match = _APK_OWNER_RE.search(owner)
                if match is not None:
                    found[path] = OsPackage("apk", match.group(1), match.group(2), distro)
        if len(found) == len(keys):
            break
    return found


def _has_rpm_database(root: Path) -> bool:
    return any(
        (root / d).is_dir() and any((root / d / f).is_file() for f in files)
        for d, files in (
            ("var/lib/rpm", ("Packages", "Packages.db", "rpmdb.sqlite")),
            ("usr/lib/sysimage/rpm", ("Packages", "Packages.db", "rpmdb.sqlite")),
        )
    )


def find_os_packages(paths: Iterable[str], *, root: Path | str = "/") -> dict[str, OsPackage]:
    """The OS package of each library file, for those the package database knows.

    Args:
        paths: Library files on this machine (as repair found them; symlinks are resolved).
        root: The system whose databases and ``etc/os-release`` are read, and under which the
            files lie (``/``; another directory holds a system image, e.g. in tests).

    Returns:
        Input path -> its package; paths no package owns (or everything, when the distro or the
        package manager is unknown or its database unreadable) are left out.
    """
    root_path = Path(root)
    distro = read_distro_id(root_path)
    if distro is None:
        return {}
    canonical_root = os.path.realpath(root_path)
    keys = _lookup_keys(paths, canonical_root)
    if not keys:
        return {}
    try:
        if (root_path / "var/lib/dpkg/status").is_file():
            return _dpkg_packages(root_path, keys, distro)
        if _has_rpm_database(root_path):
            return {}
        apk_database = root_path / "lib/apk/db/installed"
        if apk_database.is_file():
            return _apk_packages(apk_database, keys, distro)
    except OSError:
        return {}
    return {}
