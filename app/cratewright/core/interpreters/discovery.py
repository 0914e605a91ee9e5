"""Every Python interpreter on this machine, probed in parallel and remembered on disk.

Where we look, in this order (the first place a binary is found names it): paths the user
added, ``$VIRTUAL_ENV``, ``$CONDA_PREFIX``, ``.venv`` folders of the project and its parents,
every PATH folder (``python``, ``python3``, ``python3.X``, ``python3.Xt``, ``pypy3.X``,
``graalpy*``; pyenv shims are resolved without running them), pyenv's installed versions,
uv-managed Pythons, conda installations and their environments, and ``/usr/bin`` and
``/usr/local/bin``. Paths that reach the same binary (symlinks, ``python3`` next to
``python3.12``) are probed once; after probing, answers with the same implementation,
version and ``sys.prefix`` are merged too. A venv shares its base's binary but is its own
interpreter, so it is kept apart.

Nothing here is fatal: an interpreter that cannot be run or answers nonsense is listed with
its error, and a pyenv shim of an inactive version is listed as skipped, with pyenv's hint.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cratewright.core.interpreters.cache import CachedProbe, DiskProbeCache
from cratewright.core.interpreters.find import SkippedInterpreter
from cratewright.core.interpreters.info import (
    KIND_DISPLAY,
    InterpreterInfo,
    interpreter_from_metadata,
)
from cratewright.core.interpreters.probe import (
    ProbeTimeout,
    probe_metadata,
    probe_source,
    same_file,
)
from cratewright.core.interpreters.pyenv import is_pyenv_shim, pyenv_root, resolve_shim
from cratewright.errors import InterpreterError

__all__ = [
    "Candidate",
    "FoundInterpreter",
    "InterpreterListing",
    "find_candidates",
    "list_interpreters",
]

#: Names that are interpreters (not ``python3-config``, ``pypy3clean``, ``python3.12-gdb.py``).
_NAME = re.compile(r"(?:python|pypy|graalpy)(?:\d+(?:\.\d+)?t?)?")
_CONDA_ROOTS = ("miniconda3", "anaconda3", "miniforge3", "mambaforge", "micromamba")
_SYSTEM_DIRS = ("/usr/bin", "/usr/local/bin")


@dataclass(frozen=True)
class Candidate:
    """A file that may be an interpreter, and where we found it ("PATH", "pyenv"...)."""

    path: Path
    source: str
    via: Path | None = None


@dataclass(frozen=True)
class FoundInterpreter:
    """One interpreter of the listing: its facts, or the error that stopped us learning them.

    ``path`` is the file to run (and to pass to ``-i``); ``aliases`` are other paths that
    reach the same interpreter (symlinks, pyenv shims); ``kind``/``version`` are filled even
    for interpreters that are too old to use, when they could say what they are.
    """

    path: Path
    sources: tuple[str, ...]
    aliases: tuple[Path, ...] = ()
    info: InterpreterInfo | None = None
    error: str | None = None
    hint: str | None = None
    kind: str = ""
    version: str = ""
    is_venv: bool = False
    cached: bool = False

    @property
    def ok(self) -> bool:
        """True if the interpreter answered and can be built for in principle."""
        return self.info is not None


@dataclass(frozen=True)
class InterpreterListing:
    """The result of one search: interpreters (working first), skipped names, probe count."""

    interpreters: tuple[FoundInterpreter, ...]
    skipped: tuple[SkippedInterpreter, ...] = field(default=())
    probed: int = 0

    @property
    def working(self) -> tuple[FoundInterpreter, ...]:
        """Only the interpreters that answered."""
        return tuple(i for i in self.interpreters if i.ok)


# --------------------------------------------------------------------------------------------
# Where to look


def _scan(folder: Path, source: str) -> Iterator[Candidate]:
    """Interpreter names in one folder, most specific first (python3.12 before python)."""
    try:
        names = [entry.name for entry in os.scandir(folder) if _NAME.fullmatch(entry.name)]
    except OSError:
        return
    for name in sorted(names, key=lambda n: (-len(n), n)):
        path = folder / name
        if path.is_file() and os.access(path, os.X_OK):
            yield Candidate(path, source)


def _venv_python(root: Path, source: str) -> Iterator[Candidate]:
    python = root / "bin" / "python"
    if python.is_file():
        yield Candidate(python, source)


def _project_venvs(project_dir: Path | None) -> Iterator[Candidate]:
    if project_dir is None:
        return
    start = project_dir.absolute()
    for folder in (start, *start.parents):
        yield from _venv_python(folder / ".venv", "project .venv")


def _subfolders(folder: Path) -> list[Path]:
    try:
        return sorted(p for p in folder.iterdir() if p.is_dir())
    except OSError:
        return []


def _pyenv(env: Mapping[str, str]) -> Iterator[Candidate]:
    for version in _subfolders(pyenv_root(env) / "versions"):
        yield from _scan(version / "bin", "pyenv")


def _uv(env: Mapping[str, str]) -> Iterator[Candidate]:
    base = env.get("UV_PYTHON_INSTALL_DIR")
    data = env.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    root = Path(base) if base else Path(data) / "uv" / "python"
    for install in _subfolders(root):
        yield from _scan(install / "bin", "uv")


def _conda(env: Mapping[str, str]) -> Iterator[Candidate]:
    roots = [Path.home() / name for name in _CONDA_ROOTS]
    roots += [Path("/opt/conda"), Path("/opt/miniconda3"), Path("/opt/anaconda3")]
    conda_exe = env.get("CONDA_EXE")
    if conda_exe:
        roots.insert(0, Path(conda_exe).parent.parent)
    for root in dict.fromkeys(roots):
        yield from _venv_python(root, "conda")
        for environment in _subfolders(root / "envs"):
            yield from _venv_python(environment, "conda")


def _path_dirs(env: Mapping[str, str]) -> list[str]:
    return list(dict.fromkeys(p for p in env.get("PATH", "").split(os.pathsep) if p))


def find_candidates(
    *,
    project_dir: Path | None = None,
    extra: Iterable[str | Path] = (),
    env: Mapping[str, str] | None = None,
) -> list[Candidate]:
    """Every file that may be an interpreter, in search order (see the module docstring)."""
    env = os.environ if env is None else env
    found: list[Candidate] = [Candidate(Path(p).expanduser().absolute(), "added") for p in extra]
    for variable in ("VIRTUAL_ENV", "CONDA_PREFIX"):
        if env.get(variable):
            found += _venv_python(Path(env[variable]), variable)
    found += _project_venvs(project_dir)
    for folder in _path_dirs(env):
        found += _scan(Path(folder), "PATH")
    found += _pyenv(env)
    found += _uv(env)
    found += _conda(env)
    for folder in _SYSTEM_DIRS:
        found += _scan(Path(folder), "system")
    return found


# --------------------------------------------------------------------------------------------
# Grouping, probing, merging


def _resolve_shims(
    candidates: list[Candidate], env: Mapping[str, str], cwd: Path
) -> tuple[list[Candidate], list[SkippedInterpreter]]:
    """Replace pyenv shims by the binaries they stand for; inactive ones are skipped."""
    resolved: list[Candidate] = []
    skipped: list[SkippedInterpreter] = []
    path_dirs = _path_dirs(env)
    for candidate in candidates:
        if candidate.source == "added" or not is_pyenv_shim(candidate.path):
            resolved.append(candidate)
            continue
        answer = resolve_shim(candidate.path, env=env, cwd=cwd, path_dirs=path_dirs)
        if answer.target is None:
            reason = answer.error or "pyenv shim leads nowhere"
            skipped.append(
                SkippedInterpreter(candidate.path.name, candidate.path, reason, answer.hint)
            )
        else:
            source = f"{candidate.source} (pyenv shim)"
            resolved.append(Candidate(answer.target, source, via=candidate.path))
    return resolved, skipped


def _group_key(path: Path) -> tuple[str, str]:
    """Same real file and same venv (a venv's python is its base's binary)."""
    try:
        real = str(path.resolve())
    except OSError:
        real = str(path)
    root = path.parent.parent
    venv = str(root) if (root / "pyvenv.cfg").is_file() else ""
    return (real, venv)


@dataclass
class _Group:
    candidates: list[Candidate]

    @property
    def first(self) -> Candidate:
        return self.candidates[0]

    def aliases(self, chosen: Path) -> tuple[Path, ...]:
        paths = [c.path for c in self.candidates] + [c.via for c in self.candidates if c.via]
        return tuple(p for p in dict.fromkeys(paths) if p != chosen)

    @property
    def sources(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(c.source for c in self.candidates))


def _group(candidates: Sequence[Candidate]) -> list[_Group]:
    groups: dict[tuple[str, str], _Group] = {}
    for candidate in candidates:
        key = _group_key(candidate.path)
        if key in groups:
            groups[key].candidates.append(candidate)
        else:
            groups[key] = _Group([candidate])
    return list(groups.values())


def _ask(exe: Path, cache: DiskProbeCache | None, timeout: float) -> tuple[CachedProbe, bool]:
    """The probe's answer for ``exe`` (from the cache when still valid) and whether cached."""
    if cache is not None:
        hit = cache.get(exe)
        if hit is not None:
            return hit, True
    try:
        answer = CachedProbe(probe_metadata(exe, str(exe), timeout=timeout))
    except ProbeTimeout as exc:
        return CachedProbe(None, exc.message, exc.hint), False
    except InterpreterError as exc:
        answer = CachedProbe(None, exc.message, exc.hint)
    if cache is not None and _stable(exe, answer):
        cache.put(exe, answer)
    return answer, False


def _stable(exe: Path, answer: CachedProbe) -> bool:
    """Wrappers that report another executable may answer differently tomorrow."""
    if answer.data is None:
        return True
    executable = answer.data.get("executable")
    return isinstance(executable, str) and same_file(Path(executable), exe)


def _display_kind(data: Mapping[str, Any] | None) -> str:
    if not data or not isinstance(data.get("interpreter"), str):
        return ""
    raw = data["interpreter"].lower()
    return KIND_DISPLAY.get("graalpy" if raw == "graalvm" else raw, data["interpreter"])


def _found(group: _Group, answer: CachedProbe, cached: bool) -> FoundInterpreter:
    exe = group.first.path
    data = answer.data
    common: dict[str, Any] = {
        "path": exe,
        "sources": group.sources,
        "aliases": group.aliases(exe),
        "kind": _display_kind(data),
        "version": str(data.get("version") or "") if data else "",
        "is_venv": bool(data.get("is_venv"))
        if data
        else (exe.parent.parent / "pyvenv.cfg").exists(),
        "cached": cached,
    }
    if data is None:
        return FoundInterpreter(error=answer.error, hint=answer.hint, **common)
    try:
        info = interpreter_from_metadata(data, str(exe), exe)
    except InterpreterError as exc:
        return FoundInterpreter(error=exc.message, hint=exc.hint, **common)
    return FoundInterpreter(info=info, **common)


def _identity(found: FoundInterpreter) -> tuple[str, ...]:
    info = found.info
    if info is None or info.prefix is None:
        return ("path", str(found.path))
    try:
        prefix = str(info.prefix.resolve())
    except OSError:
        prefix = str(info.prefix)
    return (info.implementation, info.full_version, info.abiflags, prefix)


def _merge(found: list[FoundInterpreter]) -> list[FoundInterpreter]:
    """Merge answers from the same interpreter reached through different real files."""
    merged: dict[tuple[str, ...], FoundInterpreter] = {}
    for item in found:
        key = _identity(item)
        if key not in merged:
            merged[key] = item
            continue
        kept = merged[key]
        aliases = (*kept.aliases, item.path, *item.aliases)
        merged[key] = FoundInterpreter(
            path=kept.path,
            sources=tuple(dict.fromkeys((*kept.sources, *item.sources))),
            aliases=tuple(p for p in dict.fromkeys(aliases) if p != kept.path),
            info=kept.info,
            kind=kept.kind,
            version=kept.version,
            is_venv=kept.is_venv,
            cached=kept.cached and item.cached,
        )
    return list(merged.values())


_KIND_ORDER = {"CPython": 0, "PyPy": 1, "GraalVM": 2}


def _sort_key(found: FoundInterpreter) -> tuple[Any, ...]:
    info = found.info
    if info is None:
        return (1, 0, (), 0, str(found.path))
    release = tuple(int(p) if p.isdigit() else 0 for p in re.split(r"[.+a-z]", found.version))
    return (0, _KIND_ORDER.get(info.kind_display, 3), release, info.is_venv, str(found.path))


def list_interpreters(
    *,
    project_dir: Path | None = None,
    extra: Iterable[str | Path] = (),
    timeout: float = 10.0,
    use_cache: bool = True,
    cache_dir: Path | None = None,
    env: Mapping[str, str] | None = None,
    cwd: Path | None = None,
) -> InterpreterListing:
    """Find and probe every interpreter on this machine; never raises for a bad interpreter.

    Args:
        project_dir: The open project; its ``.venv`` (and its parents') are searched, and
            its ``.python-version`` decides what pyenv shims stand for.
        extra: Paths the user added by hand; listed even when they are broken.
        timeout: Seconds each probe may take (probes run in parallel).
        use_cache: Reuse (and record) answers in the on-disk cache.
        cache_dir: Folder of the on-disk cache (default: :func:`default_cache_dir`).
        env: Environment to read PATH, PYENV_ROOT, VIRTUAL_ENV... from (default: os.environ).
        cwd: Where pyenv's ``.python-version`` search starts (default: project_dir or cwd).
    """
    env = os.environ if env is None else env
    here = cwd or project_dir or Path.cwd()
    candidates = find_candidates(project_dir=project_dir, extra=extra, env=env)
    candidates, skipped = _resolve_shims(candidates, env, here)
    groups = _group(candidates)
    cache = DiskProbeCache(probe_source(), cache_dir) if use_cache else None

    def ask(group: _Group) -> tuple[CachedProbe, bool]:
        return _ask(group.first.path, cache, timeout)

    if groups:
        with ThreadPoolExecutor(max_workers=min(8, len(groups))) as pool:
            answers = list(pool.map(ask, groups))
    else:
        answers = []
    if cache is not None:
        cache.save()
    found = [_found(g, answer, cached) for g, (answer, cached) in zip(groups, answers, strict=True)]
    interpreters = sorted(_merge(found), key=_sort_key)
    probed = sum(1 for _, cached in answers if not cached)
    return InterpreterListing(tuple(interpreters), tuple(skipped), probed)
