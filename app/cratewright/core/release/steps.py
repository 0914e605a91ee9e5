"""The release path, step by step: version, build, check, compare, rehearse, promote.

Every step is a plain function returning a :class:`StepResult`; :func:`run_release` runs
them in order and stops at the first failure. Comparing with the last release comes before
anything is uploaded, so a dropped file is seen while it is still cheap. A step run alone
(``--step``, or one button in the GUI) finds the built files through the record the build
step wrote, so the same bytes go through every step even across runs.
"""

from __future__ import annotations

import dataclasses
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from cratewright.core.build.plan import BuildOptions
from cratewright.core.publish import CredentialPrompt, Repository
from cratewright.core.publish.checks import PYPI_MAX_FILE_SIZE
from cratewright.core.release.artifacts import ReleaseFiles, read_manifest, record, write_manifest
from cratewright.core.release.dist_diff import DistDiff
from cratewright.core.release.index_pages import read_project
from cratewright.core.release.last_release import compare_with_last_release
from cratewright.core.release.outcome import STEP_NAMES, StepName, StepResult
from cratewright.core.release.promotion import PromotionPlan, promote_release
from cratewright.core.release.rehearsal import rehearse_release
from cratewright.core.release.release_checks import check_release
from cratewright.core.release.smoke import default_smoke_command, load_smoke_command, top_module
from cratewright.core.release.version_bump import (
    BumpPart,
    ProjectVersion,
    bump_version,
    project_version,
)
from cratewright.errors import BuildCancelled, CratewrightError
from cratewright.events import CancelToken, EventSink, Message, null_sink

__all__ = ["ReleaseConfig", "ReleaseRun", "run_release", "run_step"]

# What to do when a step fails with an error that carries no hint of its own.
_DEFAULT_FIXES: dict[StepName, str] = {
    "version": "check the project path, its Cargo.toml / pyproject.toml and the index URLs",
    "build": "fix the build error above (`cratewright build --sdist` shows it on its own)",
    "check": "fix the file the message names and build again",
    "compare": "check the main index's URL and that it is reachable",
    "rehearse": "check the rehearsal index and its credential (`cratewright credentials set`)",
    "promote": "check the main index and its credential (`cratewright credentials set`)",
}


@dataclass(frozen=True)
class ReleaseConfig:
    """Everything a release needs to know; the fronts fill it from flags or the page.

    Attributes:
        options: the build options (manifest, interpreters, out dir...), release mode.
        main: the index the release is for (PyPI).
        rehearsal: the index it is rehearsed on first (TestPyPI).
        bump: which part of the version the version step bumps (None: keep it).
        smoke_command: run after installing (None: remembered for the project, else import).
        python: the interpreter of the rehearsal venv.
        size_limit: the main index's largest accepted file.
    """

    options: BuildOptions
    main: Repository
    rehearsal: Repository
    bump: BumpPart | None = None
    smoke_command: str | None = None
    python: str = sys.executable
    size_limit: int = PYPI_MAX_FILE_SIZE
    allow_insecure_http: bool = False
    prompt: CredentialPrompt | None = None

    @property
    def project_dir(self) -> Path:
        """The folder that holds the project's manifest."""
        base = self.options.cwd or Path.cwd()
        path = Path(self.options.manifest_path) if self.options.manifest_path else base
        path = path if path.is_absolute() else base / path
        return path if path.is_dir() else path.parent

    def out_dir(self) -> Path:
        """Where the files are built and recorded (``-o``, else maturin's default)."""
        if self.options.out is not None:
            base = self.options.cwd or Path.cwd()
            return (base / self.options.out).resolve()
        from cratewright.core.sdist.verify import default_out_dir

        return default_out_dir(self.options.manifest_path, cwd=self.options.cwd)


@dataclass
class ReleaseRun:
    """The state of one release as the steps fill it in (what the GUI's checklist shows)."""

    config: ReleaseConfig
    version: ProjectVersion | None = None
    files: ReleaseFiles | None = None
    results: dict[StepName, StepResult] = field(default_factory=dict)
    diffs: list[DistDiff] = field(default_factory=list)

    def smoke_command(self) -> str:
        """The configured, remembered or default smoke command."""
        if self.config.smoke_command:
            return self.config.smoke_command
        remembered = load_smoke_command(self.config.project_dir)
        if remembered:
            return remembered
        wheel = self.files.wheels[0].path if self.files and self.files.wheels else None
        return default_smoke_command(top_module(wheel) if wheel else None)

    def recorded_files(self) -> ReleaseFiles | None:
        """The files of this release: given or built in this run, else the record on disk."""
        if self.files is not None and (
            self.version is None or self.files.version == self.version.python
        ):
            return self.files
        options = self.config.options
        self.version = self.version or project_version(options.manifest_path, cwd=options.cwd)
        self.files = read_manifest(self.config.out_dir(), self.version.name, self.version.python)
        return self.files


def step_version(run: ReleaseRun, *, bump: BumpPart | None = None) -> StepResult:
    """Bump (if asked), then make sure neither index refuses the version as a re-upload."""
    config = run.config
    options = config.options
    details: list[str] = []
    if bump is not None:
        before, after, written = bump_version(options.manifest_path, bump, cwd=options.cwd)
        details.append(f"bumped {before.written} -> {after.written}")
        details += [f"wrote {path}" for path in written]
        run.version, run.files = after, None
    else:
        run.version = project_version(options.manifest_path, cwd=options.cwd)
    version = run.version
    where = f"{version.name} {version.python} (in {version.file.name} `{version.key}`)"
    on_main = read_project(config.main.simple_url, version.name)
    if on_main.has_version(version.python):
        return StepResult(
            "version",
            "failed",
            f"{version.name} {version.python} is already on {config.main.label}; an index never "
            "takes a version twice",
            "bump the version (`cratewright release --bump patch`, or Bump on the page) and "
            "release again",
            tuple(details),
        )
    on_rehearsal = read_project(config.rehearsal.simple_url, version.name)
    if on_rehearsal.has_version(version.python):
        return StepResult(
            "version",
            "warning",
            f"{where} is new on {config.main.label} but already on {config.rehearsal.label}: the "
            "rehearsal passes only if those files are the ones built now",
            "bump to a new pre-release if the rehearsal reports a different file",
            tuple(details),
        )
    return StepResult(
        "version", "passed", f"{where} is not on {config.main.label} yet", None, tuple(details)
    )


def step_build(
    run: ReleaseRun, *, sink: EventSink = null_sink, cancel: CancelToken | None = None
) -> StepResult:
    """The sdist, then the wheels built from it alone, recorded with their hashes."""
    from cratewright.core.sdist.verify import build_sdist_and_wheels

    config = run.config
    version = run.version or project_version(config.options.manifest_path, cwd=config.options.cwd)
    run.version = version
    out = config.out_dir()
    options = dataclasses.replace(
        config.options,
        out=out,
        release=True if config.options.profile is None else config.options.release,
        strip=True if config.options.strip is None else config.options.strip,
    )
    built = build_sdist_and_wheels(options, sink=sink, cancel=cancel)
    files = record(version.name, version.python, [built.sdist, *(w.path for w in built.wheels)])
    write_manifest(out, files)
    run.files = files
    return StepResult(
        "build",
        "passed",
        f"built {len(files.wheels)} wheel(s) from the sdist of {files.name} {files.version}",
        None,
        tuple(f"{f.path.name}  sha256 {f.sha256}" for f in files.files),
    )


def _need_files(run: ReleaseRun, step: StepName) -> ReleaseFiles | StepResult:
    files = run.recorded_files()
    if files is None:
        assert run.version is not None  # recorded_files() read it
        return StepResult(
            step,
            "failed",
            f"{run.version.name} {run.version.python} has not been built yet",
            "run the build step first",
        )
    return files


def step_check(run: ReleaseRun) -> StepResult:
    """Every pre-flight check on the built files."""
    files = _need_files(run, "check")
    if isinstance(files, StepResult):
        return files
    return check_release(files, size_limit=run.config.size_limit)[0]


def step_compare(run: ReleaseRun) -> StepResult:
    """What changed since the previous version on the main index."""
    files = _need_files(run, "compare")
    if isinstance(files, StepResult):
        return files
    result, run.diffs = compare_with_last_release(files, run.config.main.simple_url)
    return result


def step_rehearse(run: ReleaseRun, *, sink: EventSink = null_sink) -> StepResult:
    """Upload to the rehearsal index, install from it, run the smoke command."""
    files = _need_files(run, "rehearse")
    if isinstance(files, StepResult):
        return files
    config = run.config
    return rehearse_release(
        files,
        config.rehearsal,
        config.main,
        run.smoke_command(),
        python=config.python,
        prompt=config.prompt,
        allow_insecure_http=config.allow_insecure_http,
        sink=sink,
    )


def step_promote(
    run: ReleaseRun, confirm: Callable[[PromotionPlan], bool], *, sink: EventSink = null_sink
) -> StepResult:
    """The same files to the main index, after ``confirm``; only files the rehearsal has.

    A rehearsal that failed in this run stops it; across runs, the rehearsal index must list
    every file with our SHA-256 (it was rehearsed with exactly these bytes).
    """
    files = _need_files(run, "promote")
    if isinstance(files, StepResult):
        return files
    rehearsed = run.results.get("rehearse")
    if rehearsed is not None and not rehearsed.ok:
        return StepResult(
            "promote", "failed", "The rehearsal failed; nothing is promoted", rehearsed.fix
        )
    config = run.config
    listed = read_project(config.rehearsal.simple_url, files.name).files_of(files.version)
    served = {f.filename: f.sha256 for f in listed}
    missing = [f.path.name for f in files.files if served.get(f.path.name) != f.sha256]
    if missing:
        return StepResult(
            "promote", "failed",
            f"{missing[0]} has not been rehearsed on {config.rehearsal.label} with these bytes",
            "run the rehearse step first (it uploads, installs and smoke-tests these files)",
        )  # fmt: skip
    return promote_release(
        files, config.main, confirm, prompt=config.prompt,
        allow_insecure_http=config.allow_insecure_http, sink=sink,
    )  # fmt: skip


def run_step(
    run: ReleaseRun,
    step: StepName,
    *,
    confirm: Callable[[PromotionPlan], bool] = lambda plan: False,
    sink: EventSink = null_sink,
    cancel: CancelToken | None = None,
) -> StepResult:
    """Run one step; an expected failure becomes a failed result, never an exception."""
    try:
        if step == "version":
            result = step_version(run, bump=run.config.bump)
        elif step == "build":
            result = step_build(run, sink=sink, cancel=cancel)
        elif step == "check":
            result = step_check(run)
        elif step == "compare":
            result = step_compare(run)
        elif step == "rehearse":
            result = step_rehearse(run, sink=sink)
        else:
            result = step_promote(run, confirm, sink=sink)
    except BuildCancelled as exc:
        result = StepResult(step, "failed", exc.message, "run the step again when you are ready")
    except CratewrightError as exc:
        result = StepResult(step, "failed", exc.message, exc.hint or _DEFAULT_FIXES[step])
    run.results[step] = result
    return result


def run_release(
    run: ReleaseRun,
    steps: Sequence[StepName] = STEP_NAMES,
    *,
    confirm: Callable[[PromotionPlan], bool] = lambda plan: False,
    on_result: Callable[[StepResult], None] = lambda result: None,
    sink: EventSink = null_sink,
    cancel: CancelToken | None = None,
) -> list[StepResult]:
    """Run ``steps`` in the release's order, stopping at the first failure."""
    results = []
    for step in [s for s in STEP_NAMES if s in steps]:
        sink(Message("info", f"▶️  Release step: {step}"))
        result = run_step(run, step, confirm=confirm, sink=sink, cancel=cancel)
        results.append(result)
        on_result(result)
        if not result.ok:
            break
    return results
