"""OS package lookup from the package databases, the auditwheel SBOM, and repair writing it.

The lookups run against small system images in tmp_path (``root=``) with real dpkg / apk
database files and real symlinks (a merged /usr), plus once against this machine. That the
answers and the document agree with maturin's (which runs dpkg) is checked end to end in
tests/cli/test_audit_cli.py.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import zipfile
from pathlib import Path

import pytest

from cratewright.core.audit.os_packages import (
    OsPackage,
    find_os_packages,
    purl_encode,
    read_distro_id,
)
from cratewright.core.audit.repair import repair_wheel
from cratewright.core.audit.repair_sbom import auditwheel_sbom
from tests.core.test_audit_support import gcc, make_wheel, private_extension

MULTIARCH = "usr/lib/x86_64-linux-gnu"
STATUS = """\
Package: libfoo1
Status: install ok installed
Architecture: i386
Multi-Arch: same
Version: 1:2.0-1+b1
Description: foo (32-bit)
 continued line

Package: libfoo1
Status: install ok installed
Architecture: amd64
Multi-Arch: same
Version: 1:2.0-1+b2
Description: foo

Package: libbar
Status: install ok installed
Architecture: amd64
Version: 0.9~rc1
"""


def _debian_root(tmp_path: Path, *, merged: bool = True) -> Path:
    """A Debian image: libfoo1 lists its library under /lib, the file lives in /usr/lib."""
    root = tmp_path / "debian"
    (root / "etc").mkdir(parents=True)
    (root / "etc/os-release").write_text('PRETTY_NAME="Debian"\nID="debian"\nVERSION_ID="12"\n')
    libdir = root / MULTIARCH
    libdir.mkdir(parents=True)
    (libdir / "libfoo.so.1.2").write_bytes(b"\x7fELF foo")
    (libdir / "libfoo.so.1").symlink_to("libfoo.so.1.2")
    (libdir / "libbar.so.0").write_bytes(b"\x7fELF bar")
    (libdir / "libnobody.so.3").write_bytes(b"\x7fELF nobody")
    if merged:
        (root / "lib").symlink_to("usr/lib")
    else:
        (root / "lib/x86_64-linux-gnu").mkdir(parents=True)
    info = root / "var/lib/dpkg/info"
    info.mkdir(parents=True)
    (root / "var/lib/dpkg/status").write_text(STATUS)
    (info / "libfoo1:amd64.list").write_text(
        "/.\n/lib\n/lib/x86_64-linux-gnu\n/lib/x86_64-linux-gnu/libfoo.so.1.2\n"
        "/lib/x86_64-linux-gnu/libfoo.so.1\n/usr/share/doc/libfoo1\n"
    )
    (info / "libfoo1:i386.list").write_text("/lib/i386-linux-gnu/libfoo.so.1.2\n")
    (info / "libbar.list").write_text(f"/{MULTIARCH}/libbar.so.0\n")
    (info / "libbar.md5sums").write_text(f"0123  {MULTIARCH}/libnobody.so.3\n")
    return root


def test_purl_and_distro_id(tmp_path: Path) -> None:
    assert purl_encode("3.40.1-2+deb12u2") == "3.40.1-2%2Bdeb12u2"
    assert purl_encode("1:1.2.11 x/y~é") == "1%3A1.2.11%20x%2Fy%7E%C3%A9"
    package = OsPackage("deb", "zlib1g", "1:1.2.13.dfsg-1", "debian")
    assert package.purl() == "pkg:deb/debian/zlib1g@1%3A1.2.13.dfsg-1"
    assert OsPackage("rpm", "zlib", "1.2.11-31.el9", None).purl() == "pkg:rpm/zlib@1.2.11-31.el9"
    (tmp_path / "etc").mkdir()
    assert read_distro_id(tmp_path) is None
    (tmp_path / "etc/os-release").write_text('NAME="Alpine Linux"\nID=alpine\nVERSION_ID=3.20\n')
    assert read_distro_id(tmp_path) == "alpine"
    (tmp_path / "etc/os-release").write_text('ID="ubuntu"\n')
    assert read_distro_id(tmp_path) == "ubuntu"


def test_dpkg_owner_through_usrmerge_and_symlinks(tmp_path: Path) -> None:
    root = _debian_root(tmp_path)
    libdir = root / MULTIARCH
    asked = [
        str(libdir / "libfoo.so.1"),
        str(libdir / "libbar.so.0"),
        str(libdir / "libnobody.so.3"),
    ]
    found = find_os_packages(asked, root=root)
    # libfoo.so.1 -> libfoo.so.1.2 in /usr/lib, listed as /lib/...: the amd64 stanza's version
    assert found == {
        asked[0]: OsPackage("deb", "libfoo1", "1:2.0-1+b2", "debian"),
        asked[1]: OsPackage("deb", "libbar", "0.9~rc1", "debian"),
    }
    assert found[asked[0]].purl() == "pkg:deb/debian/libfoo1@1%3A2.0-1%2Bb2"


def test_dpkg_old_spelling_counts_only_when_it_is_the_same_file(tmp_path: Path) -> None:
    root = _debian_root(tmp_path, merged=False)
    found = find_os_packages([str(root / MULTIARCH / "libfoo.so.1.2")], root=root)
    assert found == {}  # /lib is a directory of its own here, so /lib/... is another file


def test_broken_databases_mean_no_package(tmp_path: Path) -> None:
    root = _debian_root(tmp_path)
    lib = str(root / MULTIARCH / "libbar.so.0")
    info = root / "var/lib/dpkg/info"
    (info / "libbar.list").unlink()
    (info / "libbar.list").mkdir()  # unreadable as a file
    (info / "zzz.list").write_bytes(b"\xff\xfe\x00garbage\n" * 1000)
    assert find_os_packages([lib], root=root) == {}

    (info / "libbar.list").rmdir()
    (info / "libbar.list").write_text(f"/{MULTIARCH}/libbar.so.0\n")
    (root / "var/lib/dpkg/status").write_bytes(b"\x00\xff binary \n\n\n Package")
    assert find_os_packages([lib], root=root) == {}  # owner known, version not: left out

    (root / "var/lib/dpkg/status").write_text(STATUS)
    (root / "etc/os-release").unlink()
    assert find_os_packages([lib], root=root) == {}  # no distro, no lookup (as maturin)
    assert find_os_packages([str(tmp_path / "missing.so")], root=root) == {}
    assert find_os_packages([], root=root) == {}


def test_apk_database(tmp_path: Path) -> None:
    root = tmp_path / "alpine"
    (root / "etc").mkdir(parents=True)
    (root / "etc/os-release").write_text("ID=alpine\n")
    (root / "usr/lib").mkdir(parents=True)
    (root / "lib").mkdir()
    (root / "lib/ld-musl-x86_64.so.1").write_bytes(b"\x7fELF musl")
    (root / "usr/lib/libpy3.so.1").write_bytes(b"\x7fELF py3")
    (root / "lib/apk/db").mkdir(parents=True)
    (root / "lib/apk/db/installed").write_text(
        "C:Q1abc=\nP:musl\nV:1.2.4-r2\nA:x86_64\nF:lib\nR:ld-musl-x86_64.so.1\nZ:Q1zz=\n\n"
        "P:py3-foo\nV:2.0_rc1-r0\nF:usr\nF:usr/lib\nR:libpy3.so.1\n\n"
    )
    asked = [str(root / "lib/ld-musl-x86_64.so.1"), str(root / "usr/lib/libpy3.so.1")]
    assert find_os_packages(asked, root=root) == {
        asked[0]: OsPackage("apk", "musl", "1.2.4-r2", "alpine"),
        asked[1]: OsPackage("apk", "py3-foo", "2.0_rc1-r0", "alpine"),
    }


def test_rpm_systems_record_nothing(tmp_path: Path) -> None:
    root = tmp_path / "alma"
    (root / "etc").mkdir(parents=True)
    (root / "etc/os-release").write_text('ID="almalinux"\n')
    (root / "usr/lib64").mkdir(parents=True)
    (root / "usr/lib64/libz.so.1").write_bytes(b"\x7fELF z")
    (root / "var/lib/rpm").mkdir(parents=True)
    (root / "var/lib/rpm/rpmdb.sqlite").write_bytes(b"SQLite format 3\x00")
    assert find_os_packages([str(root / "usr/lib64/libz.so.1")], root=root) == {}


def _status_version(package: str) -> str:
    text = Path("/var/lib/dpkg/status").read_text(encoding="utf-8", errors="replace")
    for stanza in text.split("\n\n"):
        fields = dict(line.split(": ", 1) for line in stanza.splitlines() if ": " in line)
        if fields.get("Package") == package:
            return fields["Version"]
    raise AssertionError(f"{package} is not in the dpkg status file")


def test_this_machine_sqlite() -> None:
    lib = os.path.realpath("/usr/lib/x86_64-linux-gnu/libsqlite3.so.0")
    assert find_os_packages([lib]) == {
        lib: OsPackage("deb", "libsqlite3-0", _status_version("libsqlite3-0"), "debian")
    }


def test_sbom_document() -> None:
    assert auditwheel_sbom("demo", "1.0", {}) is None
    packages = {
        "/usr/lib/a-b/libz.so.1": OsPackage("deb", "zlib1g", "1:1.3", "debian"),
        "/usr/lib/a/libz.so.1": OsPackage("deb", "zlib1g", "1:1.3", "debian"),
    }
    data = auditwheel_sbom("My_Pkg.Name", "1.0rc1", packages, tool=("maturin", "1.16.0"))
    assert data is not None and not data.endswith(b"\n")
    document = json.loads(data)
    root = {
        "bom-ref": "pkg:pypi/my-pkg-name@1.0rc1",
        "name": "my-pkg-name",
        "purl": "pkg:pypi/my-pkg-name@1.0rc1",
        "type": "library",
        "version": "1.0rc1",
    }
    assert document["metadata"] == {
        "component": root,
        "tools": [{"name": "maturin", "version": "1.16.0"}],
    }
    # sorted by path component by component, as Rust orders paths: /usr/lib/a/ before a-b/
    digests = [hashlib.sha256(p.encode()).hexdigest() for p in sorted(packages, reverse=True)]
    refs = [f"pkg:deb/debian/zlib1g@1%3A1.3#{d}" for d in digests]
    assert document["components"] == [
        root,
        *(
            {
                "bom-ref": ref,
                "name": "zlib1g",
                "purl": "pkg:deb/debian/zlib1g@1%3A1.3",
                "type": "library",
                "version": "1:1.3",
            }
            for ref in refs
        ),
    ]
    assert document["dependencies"] == [
        {"dependsOn": refs, "ref": root["bom-ref"]},
        *({"ref": ref} for ref in refs),
    ]
    assert list(document) == [
        "bomFormat",
        "components",
        "dependencies",
        "metadata",
        "specVersion",
        "version",
    ]
    assert data.startswith(b'{\n  "bomFormat": "CycloneDX",\n  "components": [\n    {\n')


def _record(zf: zipfile.ZipFile) -> dict[str, str]:
    (name,) = [n for n in zf.namelist() if n.endswith(".dist-info/RECORD")]
    rows = [line.split(",") for line in zf.read(name).decode().splitlines()]
    return {row[0]: row[1] for row in rows}


def test_repair_writes_the_sbom_and_records_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ext = gcc(
        tmp_path / "ext",
        "demo.cpython-311-x86_64-linux-gnu.so",
        "#include <sqlite3.h>\nconst char *v(void) { return sqlite3_libversion(); }\n"
        "void *PyInit_demo(void) { return 0; }\n",
        "-lsqlite3",
    )
    wheel = make_wheel(
        tmp_path / "dist",
        {"demo/demo.cpython-311-x86_64-linux-gnu.so": ext},
        name="Demo_Pkg",
        version="2.0",
    )
    repaired = repair_wheel(wheel, tmp_path / "fixed").path
    member = "Demo_Pkg-2.0.dist-info/sboms/auditwheel.cdx.json"
    with zipfile.ZipFile(repaired) as zf:
        data = zf.read(member)
        record = _record(zf)
        mode = zf.getinfo(member).external_attr >> 16
    lib = os.path.realpath("/usr/lib/x86_64-linux-gnu/libsqlite3.so.0")
    package = find_os_packages([lib])[lib]
    assert data == auditwheel_sbom("Demo_Pkg", "2.0", {lib: package})
    document = json.loads(data)
    assert [c["name"] for c in document["components"]] == ["demo-pkg", "libsqlite3-0"]
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    assert record[member] == f"sha256={digest}"
    assert mode == 0o100644

    # off on request; and a library no package owns gives no SBOM at all (as maturin)
    plain = repair_wheel(wheel, tmp_path / "plain", os_package_sbom=False).path
    with zipfile.ZipFile(plain) as zf:
        assert not any("sboms/" in n for n in zf.namelist())
    private, helper = private_extension(tmp_path / "private")
    monkeypatch.setenv("LD_LIBRARY_PATH", str(helper.parent))
    wheel = make_wheel(tmp_path / "dist2", {"demo/demo.cpython-311-x86_64-linux-gnu.so": private})
    with zipfile.ZipFile(repair_wheel(wheel, tmp_path / "fixed2").path) as zf:
        names = zf.namelist()
    assert any(n.startswith("demo.libs/libhelper-") for n in names)
    assert not any("sboms/" in n for n in names)
