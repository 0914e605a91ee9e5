"""Repair a wheel: bundle its external libraries, point the loader at them, retag it.

Like ``auditwheel repair``: every library outside the target policy's allow-list is copied into
``<dist>.libs/`` under a hash-suffixed name (so two wheels bundling different builds of the same
library never clash in one process), its SONAME is set to that name, every DT_NEEDED naming it
is rewritten, and each file that needs a copy gets an RPATH through ``$ORIGIN``. The WHEEL tags
and the file name get the new platform tag, ``<dist-info>/sboms/auditwheel.cdx.json`` records
the OS packages the copies came from (as maturin does; see :mod:`repair_sbom`), and RECORD is
rewritten. The new wheel is written to a temporary file in the output directory and renamed at
the very end, so the original wheel stays untouched until the repaired one is complete, and a
failure leaves nothing behind.
"""

from __future__ import annotations

import base64
import email.parser
import hashlib
import os
import posixpath
import shutil
import stat
import tempfile
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from cratewright.core.audit.compatibility import parse_compatibility_value
from cratewright.core.audit.findings import AuditReport, Rung
from cratewright.core.audit.os_packages import find_os_packages
from cratewright.core.audit.patchelf import find_patchelf, patch_file
from cratewright.core.audit.repair_sbom import AUDITWHEEL_SBOM, auditwheel_sbom
from cratewright.core.audit.report import audit_path, platform_tag_for
from cratewright.core.audit.resolve import Location, expand_origin
from cratewright.core.audit.wheelfile import WheelArchive, parse_wheel_name
from cratewright.core.user_files import describe_path_error, prepare_output_dir, remove_stale_temps
from cratewright.core.wheel.zip_format import WheelCompression, zip_date_time
from cratewright.errors import AuditError, BuildCancelled, ConfigError
from cratewright.events import CancelToken, EventSink, Message, Status, null_sink

__all__ = [
    "GraftedLibrary",
    "RepairPlan",
    "RepairResult",
    "describe_plan",
    "plan_repair",
    "repair_wheel",
]

_COPY_CHUNK = 1 << 20
_MAX_METADATA = 16 << 20


@dataclass(frozen=True)
class GraftedLibrary:
    """One library repair copies into the wheel.

    Attributes:
        soname: The name files link it by now (``libsqlite3.so.0``).
        source: Where it is on this machine.
        new_soname: Its hash-suffixed name (``libsqlite3-1a2b3c4d.so.0``).
        archive_path: Where it goes in the wheel (``pkg.libs/libsqlite3-1a2b3c4d.so.0``).
        size: Its size in bytes.
        needed_by: Files of the wheel (or other copies) that link it.
    """

    soname: str
    source: str
    new_soname: str
    archive_path: str
    size: int
    needed_by: tuple[str, ...]


@dataclass(frozen=True)
class RepairPlan:
    """What a repair would do (the GUI's preview; :func:`repair_wheel` carries it out).

    Attributes:
        wheel: The wheel to repair.
        policy: Target policy name.
        platform_tag: Platform tag the repaired wheel gets.
        filename: File name of the repaired wheel.
        libs_dir: Directory in the wheel for the copies (``<dist>.libs``).
        grafts: Libraries to copy.
    """

    wheel: Path
    policy: str
    platform_tag: str
    filename: str
    libs_dir: str
    grafts: tuple[GraftedLibrary, ...]

    @property
    def added_bytes(self) -> int:
        """Uncompressed bytes the copies add."""
        return sum(g.size for g in self.grafts)


@dataclass(frozen=True)
class RepairResult:
    """The repaired wheel and what was done."""

    path: Path
    plan: RepairPlan


def _file_hash(path: str) -> str:
    digest = hashlib.sha256()
    try:
        with Path(path).open("rb") as fh:
            for chunk in iter(lambda: fh.read(_COPY_CHUNK), b""):
                digest.update(chunk)
    except OSError as exc:
        raise AuditError(f"Cannot read {path} to bundle it: {exc.strerror or exc}") from exc
    return digest.hexdigest()[:8]


def _target_rung(report: AuditReport, plat: str | None) -> Rung:
    if plat is None:
        name = report.repair_policy or report.policy
        rung = report.rung(name)
        if rung is None or name == "linux":
            musl = report.libc == "musl"
            family = [r for r in report.ladder if (r.policy.family == "musllinux") == musl]
            reasons = next((r.reasons for r in family if r.reasons), [])
            raise AuditError(
                f"{Path(report.path).name} cannot be repaired to any manylinux/musllinux "
                "policy: " + ("; ".join(reasons) or "no policy applies to its files")
            )
        return rung
    value = plat.strip()
    if report.arch and value.endswith(f"_{report.arch}"):
        value = value[: -len(report.arch) - 1]
    try:
        canonical = parse_compatibility_value(value)
    except ConfigError as exc:
        raise ConfigError(f"--plat {plat!r} is not a platform tag") from exc
    rung = report.rung(canonical)
    if rung is None:
        raise AuditError(f"{canonical} is not a policy cratewright knows")
    if not rung.repairable:
        raise AuditError(
            f"Cannot repair {Path(report.path).name} to {canonical}: " + "; ".join(rung.reasons)
        )
    return rung


def plan_repair(
    report: AuditReport, *, plat: str | None = None, platform_tag: str | None = None
) -> RepairPlan:
    """Decide what repairing the audited wheel involves, without touching anything.

    Args:
        report: :func:`audit_path` of a wheel.
        plat: Target policy (``manylinux_2_28``, ``manylinux2014``, ``2_28`` or with the arch
            suffix); default: the best policy repair can reach.
        platform_tag: Exact platform tag to write (the build passes maturin's choice).

    Raises:
        AuditError: The input is not a wheel, or the policy cannot be reached by bundling.
        ConfigError: ``plat`` is not a platform tag.
    """
    if report.kind != "wheel" or report.arch is None:
        raise AuditError(f"{report.path} is not a wheel with native files; nothing to repair")
    name = parse_wheel_name(Path(report.path).name)
    if name is None:
        raise AuditError(f"{Path(report.path).name} is not a valid wheel file name")
    rung = _target_rung(report, plat)
    libs_dir = f"{name.distribution}.libs"
    grafts = []
    for soname, source in sorted(rung.external.items()):
        if source is None:
            raise AuditError(f"Cannot bundle {soname}: it was not found on this machine")
        digest = _file_hash(source)
        base, dot, rest = soname.partition(".")
        new = f"{base}-{digest}{dot}{rest}"
        node = report.libraries.get(soname)
        grafts.append(
            GraftedLibrary(
                soname=soname,
                source=source,
                new_soname=new,
                archive_path=f"{libs_dir}/{new}",
                size=Path(source).stat().st_size,
                needed_by=node.needed_by if node else (),
            )
        )
    tag = platform_tag or platform_tag_for(rung.policy, report.arch)
    return RepairPlan(
        wheel=Path(report.path),
        policy=rung.name,
        platform_tag=tag,
        filename=name.with_platform(tag),
        libs_dir=libs_dir,
        grafts=tuple(grafts),
    )


def _retag_wheel_file(text: str, platform_tag: str) -> str:
    """The WHEEL file with its ``Tag:`` lines for the new platform(s)."""
    lines = text.splitlines()
    kept: list[str] = []
    interpreters: list[str] = []
    for line in lines:
        key, sep, value = line.partition(":")
        if sep and key.strip() == "Tag":
            parts = value.strip().split("-")
            if len(parts) != 3 or not all(parts):
                raise AuditError(
                    f"The wheel's WHEEL file has a malformed tag {value.strip()[:80]!r} "
                    "(expected python-abi-platform); it cannot be retagged"
                )
            python, abi = parts[:2]
            if f"{python}-{abi}" not in interpreters:
                interpreters.append(f"{python}-{abi}")
            continue
        kept.append(line)
    if not interpreters:
        raise AuditError("The wheel's WHEEL file has no Tag line; it cannot be retagged")
    tags = [f"{pa}-{plat}" for pa in interpreters for plat in platform_tag.split(".")]
    return "\n".join([*kept, *(f"Tag: {t}" for t in tags)]) + "\n"


def _relative_rpath(file: str, libs_dir: str) -> str:
    relative = posixpath.relpath(libs_dir, posixpath.dirname(file) or ".")
    return "$ORIGIN" if relative == "." else f"$ORIGIN/{relative}"


def _record_hash(data_digest: bytes) -> str:
    return "sha256=" + base64.urlsafe_b64encode(data_digest).rstrip(b"=").decode("ascii")


def _extract(archive: WheelArchive, scratch: Path) -> list[str]:
    names = []
    for entry in archive.entries:
        target = scratch / entry.name
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(archive.read(entry.name))
        except OSError as exc:
            shown = entry.name if len(entry.name) <= 100 else f"{entry.name[:60]}… "
            raise AuditError(
                f"Cannot repair {archive.path.name}: its member `{shown}` "
                f"({len(entry.name)} characters) cannot be unpacked here: "
                f"{describe_path_error(exc)}",
                hint="pip could not install this wheel on this file system either",
            ) from None
        names.append(entry.name)
    return names


def _patch_tree(
    report: AuditReport, plan: RepairPlan, scratch: Path, patchelf: Path, sink: EventSink
) -> list[str]:
    """Copy the libraries in, then fix SONAMEs, DT_NEEDED and RPATH. Returns new members."""
    renames = {g.soname: g.new_soname for g in plan.grafts}
    added = []
    for graft in plan.grafts:
        target = scratch / graft.archive_path
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            shutil.copyfile(graft.source, target)
        except OSError as exc:
            raise AuditError(f"Cannot copy {graft.source}: {exc.strerror or exc}") from exc
        target.chmod(0o755)
        node = report.libraries.get(graft.soname)
        deps = {n: renames[n] for n in (node.needed if node else ()) if n in renames}
        sink(Status(f"Bundling {graft.soname} as {graft.archive_path}"))
        patch_file(
            target,
            soname=graft.new_soname,
            replace_needed=deps,
            rpath=["$ORIGIN"] if deps else [],
            patchelf=patchelf,
        )
        added.append(graft.archive_path)
    for elf in report.elfs:
        deps = {n: renames[n] for n in elf.info.needed if n in renames}
        if not deps:
            continue
        if ".data/scripts/" in elf.path:
            raise AuditError(
                f"{elf.path} is an executable installed into the environment's bin directory; "
                "repairing it (bundling its libraries) is not supported"
            )
        keep = []
        for entry in (*elf.info.rpath, *elf.info.runpath):
            location = expand_origin(entry, Location(elf.path, True))
            if location is not None and location.in_wheel and entry not in keep:
                keep.append(entry)
        rpath = [*keep, _relative_rpath(elf.path, plan.libs_dir)]
        patch_file(
            scratch / elf.path,
            replace_needed=deps,
            rpath=list(dict.fromkeys(rpath)),
            patchelf=patchelf,
        )
    return added


def _name_and_version(archive: WheelArchive, plan: RepairPlan) -> tuple[str, str]:
    """The project's ``Name`` and ``Version`` from METADATA (the file name's as a fallback)."""
    fallback = parse_wheel_name(plan.wheel.name)
    name = fallback.distribution if fallback else ""
    version = fallback.version if fallback else ""
    metadata = f"{archive.dist_info}/METADATA"
    if metadata in archive:
        text = archive.read(metadata, _MAX_METADATA).decode("utf-8", "replace")
        headers = email.parser.Parser().parsestr(text, headersonly=True)
        name = str(headers.get("Name") or name).strip()
        version = str(headers.get("Version") or version).strip()
    return name, version


def _write_os_package_sbom(
    archive: WheelArchive, plan: RepairPlan, scratch: Path, sink: EventSink
) -> str | None:
    """Write the auditwheel SBOM into the tree; returns its member name, None if not written."""
    if not plan.grafts:
        return None
    packages = find_os_packages(g.source for g in plan.grafts)
    name, version = _name_and_version(archive, plan)
    data = auditwheel_sbom(name, version, packages)
    if data is None:
        return None
    member = f"{archive.dist_info}/{AUDITWHEEL_SBOM}"
    sink(Status(f"Recording the OS packages of the bundled libraries in {member}"))
    target = scratch / member
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)
    return member


def _with_member(meta: list[str], member: str | None) -> list[str]:
    """``meta`` with ``member`` added in name order, the others left in their order."""
    if member is None or member in meta:
        return meta
    at = next((i for i, n in enumerate(meta) if n > member), len(meta))
    return [*meta[:at], member, *meta[at:]]


def _write_member(
    zf: zipfile.ZipFile,
    info: zipfile.ZipInfo,
    data: bytes,
    settings: WheelCompression,
    method: int,
) -> None:
    """One member with the build's compression (``--compression-*``), as the wheel had it."""
    info.compress_type = method
    info.file_size = len(data)
    if hasattr(info, "compress_level"):  # Python 3.13+
        info.compress_level = settings.level
    else:
        info._compresslevel = settings.level
    with zf.open(info, "w", force_zip64=settings.large_files) as out:
        out.write(data)


def _write_wheel(
    archive: WheelArchive,
    names: list[str],
    added: list[str],
    scratch: Path,
    plan: RepairPlan,
    out: Path,
    cancel: CancelToken | None,
    sbom: str | None = None,
    compression: WheelCompression | None = None,
) -> Path:
    settings = compression or WheelCompression()
    method = settings.zip_method()
    dist_info = archive.dist_info
    record_name = f"{dist_info}/RECORD"
    wheel_name = f"{dist_info}/WHEEL"
    body = [n for n in names if not n.startswith(f"{dist_info}/")]
    meta = [n for n in names if n.startswith(f"{dist_info}/") and n != record_name]
    order = [*body, *added, *_with_member(meta, sbom)]
    libraries = set(added)
    date_time = zip_date_time()
    wheel_text = _retag_wheel_file(
        (scratch / wheel_name).read_text(encoding="utf-8", errors="replace"), plan.platform_tag
    )
    (scratch / wheel_name).write_text(wheel_text, encoding="utf-8")
    out.mkdir(parents=True, exist_ok=True)
    final = out / plan.filename
    remove_stale_temps(out, f".{plan.filename}.", ".tmp")
    fd, temp = tempfile.mkstemp(prefix=f".{plan.filename}.", suffix=".tmp", dir=out)
    try:
        with os.fdopen(fd, "wb") as fh, zipfile.ZipFile(fh, "w", method) as zf:
            record = []
            for name in order:
                if cancel is not None and cancel.cancelled:
                    raise BuildCancelled("Repair cancelled; no wheel was written.")
                data = (scratch / name).read_bytes()
                if name in archive:
                    original = archive.info(name)
                    info = zipfile.ZipInfo(name, date_time=original.date_time)
                    info.external_attr = original.external_attr or (0o644 << 16)
                else:
                    info = zipfile.ZipInfo(name, date_time=date_time)
                    mode = 0o755 if name in libraries else 0o644
                    info.external_attr = (stat.S_IFREG | mode) << 16
                info.create_system = 3
                _write_member(zf, info, data, settings, method)
                record.append(f"{name},{_record_hash(hashlib.sha256(data).digest())},{len(data)}")
            record.append(f"{record_name},,")
            info = zipfile.ZipInfo(record_name, date_time=date_time)
            info.external_attr = (stat.S_IFREG | 0o644) << 16
            info.create_system = 3
            _write_member(zf, info, ("\n".join(record) + "\n").encode("utf-8"), settings, method)
            fh.flush()
            os.fsync(fh.fileno())
        Path(temp).chmod(0o644)  # mkstemp makes 0600; a wheel is an ordinary readable file
        Path(temp).replace(final)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    return final


def repair_wheel(
    wheel: Path | str,
    out_dir: Path | str,
    *,
    plat: str | None = None,
    platform_tag: str | None = None,
    report: AuditReport | None = None,
    os_package_sbom: bool = True,
    sink: EventSink = null_sink,
    cancel: CancelToken | None = None,
    extra_search_dirs: Sequence[Path | str] = (),
    compression: WheelCompression | None = None,
) -> RepairResult:
    """Bundle the wheel's external libraries and write the repaired wheel into ``out_dir``.

    Args:
        wheel: The wheel to repair (never modified; replaced only if ``out_dir`` holds it and
            the new name is the same).
        out_dir: Where the repaired wheel goes (created if missing).
        plat: Target policy; default: the best one bundling can reach.
        platform_tag: Exact platform tag to write (default: from the policy).
        report: An audit of ``wheel`` already made (saves a second audit).
        os_package_sbom: Write ``sboms/auditwheel.cdx.json`` naming the OS packages of the
            bundled libraries (maturin's ``[tool.maturin.sbom] auditwheel``, on by default).
        extra_search_dirs: Host directories searched for libraries after the usual ones
            (the build's ``cargo:rustc-link-search`` directories); unused when ``report``
            is given, since the report already resolved every library.
        compression: The zip compression of the repaired wheel (the build's
            ``--compression-*``); deflate by default.

    Raises:
        AuditError: The wheel is unreadable, cannot reach the policy, or patchelf failed.
        ToolMissingError: patchelf is not installed and libraries must be bundled.
        BuildCancelled: ``cancel`` was set; nothing was written.
    """
    wheel = Path(wheel)
    prepare_output_dir(Path(out_dir), "the output directory", error=AuditError)
    report = report or audit_path(wheel, cancel=cancel, extra_search_dirs=extra_search_dirs)
    for error in report.errors:
        raise AuditError(error)
    plan = plan_repair(report, plat=plat, platform_tag=platform_tag)
    patchelf = find_patchelf() if plan.grafts else Path("patchelf")
    if plan.grafts:
        listed = "\n".join(f"    {g.soname} -> {g.archive_path}" for g in plan.grafts)
        sink(Message("info", f"🔗 Bundling external shared libraries into the wheel:\n{listed}"))
    with (
        tempfile.TemporaryDirectory(prefix="cratewright-repair-") as tmp,
        WheelArchive(wheel) as archive,
    ):
        scratch = Path(tmp)
        names = _extract(archive, scratch)
        added = _patch_tree(report, plan, scratch, patchelf, sink)
        sbom = _write_os_package_sbom(archive, plan, scratch, sink) if os_package_sbom else None
        if cancel is not None and cancel.cancelled:
            raise BuildCancelled("Repair cancelled; no wheel was written.")
        path = _write_wheel(
            archive, names, added, scratch, plan, Path(out_dir), cancel, sbom, compression
        )
    sink(Message("info", f"🩹 Repaired wheel ({plan.policy}) written to {path}"))
    return RepairResult(path=path, plan=plan)


def describe_plan(plan: RepairPlan) -> Mapping[str, object]:
    """A JSON-ready summary of a plan (CLI ``--json`` and tests)."""
    return {
        "policy": plan.policy,
        "platform_tag": plan.platform_tag,
        "filename": plan.filename,
        "grafts": [
            {"soname": g.soname, "source": g.source, "archive_path": g.archive_path}
            for g in plan.grafts
        ],
    }
