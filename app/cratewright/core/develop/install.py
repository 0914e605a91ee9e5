"""``cratewright develop`` and PEP 660 editable wheels: build once, then edit Python freely.

A pure-Rust layout has nothing editable, so its ordinary wheel is installed. A mixed layout
gets an *editable* wheel: the native module (and any generated binding glue) is copied into
the project's Python source tree, and the wheel holds only ``<dist>.pth``, which puts that
source directory on ``sys.path``, plus the dist-info. Python edits then show up without a
rebuild; only Rust changes need ``develop`` again. After installing, ``direct_url.json`` is
rewritten to mark the install editable and point at the project, as pip does for ``-e``.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import tempfile
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path, PurePosixPath

from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name

from cratewright.core.build.builder import build_wheels
from cratewright.core.build.plan import BuildOptions, BuildPlan, plan_build
from cratewright.core.develop.environment import PythonEnvironment, find_environment
from cratewright.core.develop.groups import dependency_group_requirements
from cratewright.core.develop.installed_files import (
    update_record,
    write_if_changed,
    write_into_tree,
)
from cratewright.core.project.layout import python_files
from cratewright.core.project.locate import open_project
from cratewright.core.wheel.writer import WheelEntry, WheelWriter
from cratewright.errors import BuildCancelled, BuildError, InstallError
from cratewright.events import CancelToken, EventSink, Message, OutputLine, Status, null_sink

__all__ = [
    "DevelopResult",
    "EditableWheel",
    "build_editable_wheel",
    "develop",
    "develop_options",
    "refresh_source_tree",
    "requirements_for_extras",
]

_EXTRA_MARKER = re.compile(r"""extra\s*==\s*(["'])(?P<name>[^"']+)\1""")
_ALWAYS = 'python_version >= "0"'
_NEVER = 'python_version < "0"'


@dataclass(frozen=True)
class EditableWheel:
    """A wheel for an editable install and what was written into the source tree for it."""

    path: Path
    tag: str
    python_dir: Path | None
    native_files: tuple[Path, ...]


@dataclass(frozen=True)
class DevelopResult:
    """What ``develop`` did and where.

    Attributes:
        name, version: the distribution installed.
        environment: the environment installed into (its prefix and interpreter).
        site_packages: the directory that received the dist-info (None if not installed).
        installed: False with ``skip_install``.
        editable: True when Python files are served from the project through a .pth.
        python_dir: the source directory the .pth points at (mixed layout).
        native_files: native module / glue files written into the source tree.
        installer: "pip" or "uv" (None when nothing was installed).
        plan: the plan the build followed (its out dir, a scratch folder, is gone), for a
            caller that rebuilds the same way (``develop --watch``) without planning again.
    """

    name: str
    version: str
    environment: PythonEnvironment
    site_packages: Path | None
    installed: bool
    editable: bool
    python_dir: Path | None
    native_files: tuple[Path, ...]
    installer: str | None
    plan: BuildPlan = field(repr=False, compare=False)

    def summary(self) -> str:
        """One line for the CLI and the GUI."""
        what = f"{self.name}-{self.version}"
        if not self.installed:
            where = f" into {self.python_dir}" if self.python_dir else ""
            return f"🛠 Built {what}{where} (not installed: --skip-install)"
        place = self.site_packages or self.environment.prefix
        mode = f", editable from {self.python_dir}" if self.editable else ""
        return f"🛠 Installed {what} into {place} (environment {self.environment.prefix}{mode})"


def requirements_for_extras(requires_dist: Sequence[str], extras: Sequence[str]) -> list[str]:
    """Requires-Dist lines as pip can install them directly for the requested ``extras``.

    A top-level requirement's ``extra == "x"`` marker is never true for pip, so each such
    clause is replaced by an always-true or never-true comparison; requirements that need an
    extra nobody asked for drop out, and the rest keep their environment markers.
    """
    wanted = {canonicalize_name(e) for e in extras}
    result = []
    for line in requires_dist:
        try:
            requirement = Requirement(line)
        except InvalidRequirement as exc:
            raise InstallError(f"Invalid Requires-Dist {line!r}: {exc}") from None
        if requirement.marker is None or "extra" not in str(requirement.marker):
            result.append(line)
            continue
        marker = _EXTRA_MARKER.sub(
            lambda m: _ALWAYS if canonicalize_name(m["name"]) in wanted else _NEVER,
            str(requirement.marker),
        )
        requirement.marker = None
        result.append(f"{requirement}; {marker}")
    return result


def _user_python_paths(plan: BuildPlan) -> set[str]:
    return {archive for archive, _ in python_files(plan.layout, plan.project.maturin.exclude)}


def _tree_path(name: str, python_dir: Path, top: str, user_paths: set[str]) -> Path | None:
    """Where a wheel member of a mixed project goes in the source tree (None: not there).

    The module's own package (``top``), except the user's Python files (served through
    the .pth).
    """
    if name in user_paths or PurePosixPath(name).parts[0] != top:
        return None
    return python_dir / name


def refresh_source_tree(plan: BuildPlan, entries: Mapping[str, WheelEntry]) -> tuple[Path, ...]:
    """A rebuild's native files (and generated glue) into a mixed project's source tree.

    Only changed files are written; the editable install itself stays as it is.
    """
    python_dir, top = plan.layout.python_dir.resolve(), plan.layout.module_name.split(".")[0]
    user_paths = _user_python_paths(plan)
    written = []
    for name, entry in entries.items():
        target = _tree_path(name, python_dir, top, user_paths)
        if target is not None and write_if_changed(target, entry) is not None:
            written.append(target)
    return tuple(written)


def _convert(plan: BuildPlan, built: Path, tag: str, out_dir: Path) -> EditableWheel:
    """Turn a normal wheel of a mixed project into its editable counterpart."""
    metadata = plan.metadata
    python_dir, top = plan.layout.python_dir.resolve(), plan.layout.module_name.split(".")[0]
    user_paths = _user_python_paths(plan)
    writer = WheelWriter(
        metadata.dist_name, metadata.escaped_version, [tag], settings=plan.compression
    )
    native: list[Path] = []
    try:
        with zipfile.ZipFile(built) as wheel:
            for info in wheel.infolist():
                name = info.filename
                executable = bool((info.external_attr >> 16) & 0o111)
                if name.startswith(f"{writer.dist_info}/"):
                    inner = name[len(writer.dist_info) + 1 :]
                    if inner not in ("WHEEL", "RECORD"):
                        writer.add_dist_info(inner, wheel.read(info))
                elif name in user_paths:
                    continue  # served from the source tree through the .pth
                elif (target := _tree_path(name, python_dir, top, user_paths)) is not None:
                    write_into_tree(target, wheel.read(info), executable)
                    native.append(target)
                else:
                    writer.add_bytes(name, wheel.read(info), executable=executable)
    except (OSError, zipfile.BadZipFile) as exc:
        raise BuildError(f"Cannot read the wheel {built}: {exc}") from None
    writer.add_bytes(f"{metadata.dist_name}.pth", str(python_dir).encode("utf-8"))
    path = writer.write(out_dir)
    return EditableWheel(path=path, tag=tag, python_dir=python_dir, native_files=tuple(native))


def build_editable_wheel(
    plan: BuildPlan,
    out_dir: Path,
    *,
    sink: EventSink = null_sink,
    cancel: CancelToken | None = None,
) -> EditableWheel:
    """Build the plan's (first) wheel in editable form into ``out_dir`` (PEP 660, develop)."""
    with tempfile.TemporaryDirectory(prefix="cratewright-editable-") as scratch:
        built = build_wheels(replace(plan, out_dir=Path(scratch)), sink=sink, cancel=cancel)
        if not built:
            raise BuildError("No wheel was built for the editable install")
        wheel = built[0]
        editable = plan.layout.is_mixed or bool(plan.layout.python_packages)
        if not editable:
            out_dir.mkdir(parents=True, exist_ok=True)
            final = out_dir / wheel.path.name
            try:
                shutil.copyfile(wheel.path, final)
            except OSError as exc:
                raise BuildError(f"Cannot write {final}: {exc.strerror or exc}") from None
            return EditableWheel(final, wheel.tag, None, ())
        return _convert(plan, wheel.path, wheel.tag, out_dir)


@dataclass(frozen=True)
class _Installer:
    name: str
    command: tuple[str, ...]

    def install(self, python: Path, args: Sequence[str]) -> list[str]:
        if self.name == "uv":
            return [*self.command, "pip", "install", "--python", str(python), *args]
        return [*self.command, "install", *args]


def _pip_works(python: Path) -> bool:
    try:
        proc = subprocess.run(
            [str(python), "-m", "pip", "--version"],
            capture_output=True,
            timeout=120,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return False
    return proc.returncode == 0


def _find_uv() -> str | None:
    """uv on PATH (as maturin looks for it)."""
    return shutil.which("uv")


def _choose_installer(
    requested: str | None, env: PythonEnvironment, pip_path: Path | None = None
) -> _Installer:
    """pip, uv (asked for, or automatically for uv and pixi environments, as maturin), or
    the pip executable given with ``--pip-path``."""
    uv = _find_uv()
    if pip_path is not None:
        if requested == "uv":
            raise InstallError("--pip-path and --uv cannot be used together")
        if not (pip_path.is_file() and os.access(pip_path, os.X_OK)):
            raise InstallError(f"--pip-path {pip_path} is not an executable pip")
        return _Installer("pip", (str(pip_path), "--disable-pip-version-check"))
    pip = _Installer("pip", (str(env.python), "-m", "pip", "--disable-pip-version-check"))
    if requested not in (None, "pip", "uv"):
        raise InstallError(f"Unknown installer {requested!r}; use pip or uv")
    auto_uv = requested is None and (env.is_uv_venv or env.is_pixi_env) and uv is not None
    if requested == "uv" or auto_uv:
        if uv is None:
            raise InstallError("uv was requested as installer but is not on PATH")
        return _Installer("uv", (uv,))
    if _pip_works(env.python):
        return pip
    if requested is None and uv is not None:
        return _Installer("uv", (uv,))
    raise InstallError(
        f"pip is not available in {env.prefix}",
        hint=f"install it with `{env.python} -m ensurepip`, or use --installer uv",
    )


def _run_installer(argv: list[str], env: PythonEnvironment, what: str, sink: EventSink) -> None:
    child_env = {**os.environ, "VIRTUAL_ENV": str(env.prefix)}
    child_env.pop("PYTHONPATH", None)
    try:
        proc = subprocess.run(
            argv, capture_output=True, text=True, errors="replace", env=child_env,
            timeout=1800, check=False, stdin=subprocess.DEVNULL,
        )  # fmt: skip
    except (OSError, subprocess.SubprocessError) as exc:
        raise InstallError(f"{what} could not be run: {exc}") from None
    for line in (proc.stdout + proc.stderr).splitlines():
        sink(OutputLine("stderr", line))
    if proc.returncode != 0:
        tail = "\n".join((proc.stderr or proc.stdout).strip().splitlines()[-12:])
        raise InstallError(f"{what} in {env.prefix} failed:\n{tail}")
    leftover = re.search(
        r"Failed to remove contents in a temporary directory '([^']+)'", proc.stderr
    )
    if leftover and Path(leftover[1]).name.startswith("~"):
        raise InstallError(
            f"{what} could not replace the installed extension module because it is in use; "
            f"stop the Python processes using it, delete {leftover[1]} and run develop again"
        )


def _site_packages(env: PythonEnvironment) -> list[Path]:
    code = (
        "import json, sysconfig; "
        "print(json.dumps([sysconfig.get_path('purelib'), sysconfig.get_path('platlib')]))"
    )
    try:
        proc = subprocess.run(
            [str(env.python), "-c", code], capture_output=True, text=True, timeout=60, check=False
        )
        return [Path(p) for p in json.loads(proc.stdout)]
    except (OSError, subprocess.SubprocessError, json.JSONDecodeError, TypeError):
        return []


def _mark_editable(
    env: PythonEnvironment, dist_info: str, project_dir: Path, sink: EventSink
) -> Path | None:
    """Point ``direct_url.json`` at the project, flagged editable; returns site-packages."""
    for site in _site_packages(env):
        target = site / dist_info / "direct_url.json"
        if target.parent.is_dir():
            data = {"dir_info": {"editable": True}, "url": project_dir.resolve().as_uri()}
            text = json.dumps(data).encode("utf-8")
            tmp = target.with_name(".direct_url.json.tmp")
            try:
                tmp.write_bytes(text)
                tmp.replace(target)
                update_record(site, dist_info, {f"{dist_info}/direct_url.json": text})
            except (OSError, BuildError) as exc:
                sink(Message("warning", f"⚠️ Warning: failed to set package as editable: {exc}"))
            return site
    sink(Message("warning", f"⚠️ Warning: {dist_info} not found after installing"))
    return None


def develop_options(options: BuildOptions, env: PythonEnvironment, out: Path) -> BuildOptions:
    """The build options develop uses: one wheel for ``env``'s interpreter, no audit."""
    profile = options.profile
    if not options.release and profile is None:
        maturin = open_project(options.manifest_path, cwd=options.cwd).maturin
        profile = maturin.editable_profile or maturin.profile
    return replace(
        options,
        interpreters=(str(env.python),),
        find_interpreter=False,
        compatibility=("linux",),
        auditwheel="skip",
        out=out,
        profile=profile,
    )


def develop(
    options: BuildOptions,
    *,
    environment: Path | None = None,
    extras: tuple[str, ...] = (),
    skip_install: bool = False,
    installer: str | None = None,
    groups: tuple[str, ...] | None = None,
    pip_path: Path | None = None,
    sink: EventSink = null_sink,
    cancel: CancelToken | None = None,
) -> DevelopResult:
    """Build the project for an environment's interpreter and install it there, editable.

    Args:
        options: build options (manifest, features, profile, target ...); interpreters,
            compatibility and output are chosen here.
        environment: a venv/conda prefix or a python interpreter; None searches as
            :func:`cratewright.core.develop.environment.find_environment` describes.
        extras: optional-dependency groups whose requirements are installed too.
        skip_install: only build (a mixed project still gets its native module in place).
        installer: "pip", "uv" or None (uv for uv and pixi environments when available,
            else pip).
        groups: PEP 735 dependency groups to install; None installs ``dev`` if defined.
        pip_path: a pip executable to install with instead of the environment's own.

    Raises:
        InstallError: no environment, no installer, or the installer failed.
        CratewrightError: anything a build can raise.
    """
    base = options.cwd or Path.cwd()
    project_dir = open_project(options.manifest_path, cwd=options.cwd).project_root
    env = find_environment(environment, project_dir=project_dir, cwd=base)
    sink(Message("info", f"🐍 Using environment {env.prefix} ({env.origin})"))
    chosen = None if skip_install else _choose_installer(installer, env, pip_path)
    if chosen is not None:
        sink(Message("info", f"📦 Installing with {' '.join(chosen.command[:1])}"))
    with tempfile.TemporaryDirectory(prefix="cratewright-develop-") as scratch:
        plan = plan_build(develop_options(options, env, Path(scratch)), sink=sink)
        if chosen is not None and plan.metadata.requires_dist:
            requirements = requirements_for_extras(plan.metadata.requires_dist, extras)
            sink(Status(f"Installing {len(requirements)} dependencies with {chosen.name}"))
            _run_installer(chosen.install(env.python, requirements), env, chosen.name, sink)
        if chosen is not None:
            names, group_requirements = dependency_group_requirements(
                plan.project.pyproject, groups
            )
            if group_requirements:
                sink(
                    Status(f"Installing dependency group(s) {', '.join(names)} with {chosen.name}")
                )
                argv = chosen.install(env.python, list(group_requirements))
                _run_installer(argv, env, chosen.name, sink)
        if cancel is not None and cancel.cancelled:
            raise BuildCancelled("Develop cancelled; nothing was installed.")
        wheel = build_editable_wheel(plan, Path(scratch) / "editable", sink=sink, cancel=cancel)
        site = None
        if chosen is not None:
            argv = chosen.install(env.python, ["--no-deps", "--force-reinstall", str(wheel.path)])
            _run_installer(argv, env, chosen.name, sink)
            site = _mark_editable(env, plan.metadata.dist_info, plan.project.project_root, sink)
    result = DevelopResult(
        name=plan.metadata.name,
        version=str(plan.metadata.version),
        environment=env,
        site_packages=site,
        installed=chosen is not None,
        editable=wheel.python_dir is not None,
        python_dir=wheel.python_dir,
        native_files=wheel.native_files,
        installer=chosen.name if chosen else None,
        plan=plan,
    )
    if skip_install and wheel.python_dir is None:
        sink(Message("warning", "⚠️ --skip-install only builds in place for mixed projects"))
    sink(Message("info", result.summary()))
    return result
