"""The same release matrix as a ``.gitlab-ci.yml`` (maturin has none: its issue #1507).

GitLab's hosted runners are Linux on x86_64 and arm64 (macOS and Windows runners are limited
betas without Python or Rust), so each Linux target builds natively inside the official
PyPA manylinux / musllinux image for its architecture: no QEMU, no cross toolchains. A target
those runners cannot build (armv7, s390x, ppc64le, Windows, macOS, Emscripten, Android) gets
no job; :func:`gitlab_header_notes` says which, for the file's header and the CLI output.
"""

from __future__ import annotations

from pathlib import PurePath
from typing import Any

from cratewright.core.ci.platforms import PLATFORMS
from cratewright.core.ci.resolve import ResolvedCI, ResolvedTarget
from cratewright.errors import ConfigError

__all__ = ["gitlab_header_notes", "gitlab_pipeline", "gitlab_support"]

# GitLab.com hosted runner tags by the image architecture they run.
_RUNNERS = {"x86_64": "saas-linux-small-amd64", "i686": "saas-linux-small-amd64",
            "aarch64": "saas-linux-small-arm64"}  # fmt: skip
_ARCH = {"x86_64": "x86_64", "x64": "x86_64", "x86": "i686", "i686": "i686",
         "aarch64": "aarch64"}  # fmt: skip
_MANYLINUX_IMAGES = {"auto": "manylinux2014", "2014": "manylinux2014", "2_17": "manylinux2014",
                     "manylinux2014": "manylinux2014", "2_28": "manylinux_2_28",
                     "manylinux_2_28": "manylinux_2_28", "2_34": "manylinux_2_34",
                     "manylinux_2_34": "manylinux_2_34"}  # fmt: skip
_MUSLLINUX_IMAGES = {"auto": "musllinux_1_2", "musllinux_1_2": "musllinux_1_2",
                     "musllinux_1_1": "musllinux_1_1"}  # fmt: skip
_PYTHON = "/opt/python/cp312-cp312/bin/python"
_MATURIN = "/tmp/maturin/bin/maturin"
_WHY_NOT = {
    "windows": "GitLab's hosted Windows runners are a beta without Python or Rust",
    "macos": "GitLab's hosted macOS runners need a Premium plan and have no Rust",
    "emscripten": "no Pyodide/Emscripten toolchain is set up for GitLab here",
    "android": "no Android NDK is set up for GitLab here",
}


def _linux_arch(target: str) -> str | None:
    return _ARCH.get(target) or _ARCH.get(target.split("-")[0])


def gitlab_support(ci: ResolvedCI) -> tuple[dict[str, list[str]], list[str]]:
    """(platform -> targets GitLab builds, one sentence per platform/target it cannot)."""
    built: dict[str, list[str]] = {}
    missing: list[str] = []
    for platform, targets in ci.platforms.items():
        if platform not in ("linux", "musllinux"):
            missing.append(f"{platform}: not generated; {_WHY_NOT[platform]}")
            continue
        ok = [t.target for t in targets if _linux_arch(t.target) in _RUNNERS]
        skipped = [t.target for t in targets if t.target not in ok]
        if ok:
            built[platform] = ok
        if skipped:
            missing.append(
                f"{platform} {', '.join(skipped)}: not generated; GitLab's hosted runners are "
                "x86_64 and arm64 only (use the GitHub workflow for these)"
            )
    return built, missing


def gitlab_header_notes(ci: ResolvedCI) -> list[str]:
    """One sentence per thing this pipeline does not build, or builds differently, and why."""
    _, notes = gitlab_support(ci)
    if ci.zig:
        notes.append("zig is not used: every job builds natively in a manylinux image")
    unused = set()
    for platform in ("linux", "musllinux"):
        for target in ci.platforms.get(platform, ()):
            if target.runner != PLATFORMS[platform].default_runner(target.target):
                unused.add("runner")
            if target.get("docker-options"):
                unused.add("docker-options")
    if unused:
        notes.append(f"{' and '.join(sorted(unused))} from the GitHub table are not used: GitLab "
                     "jobs run on its hosted runner for their architecture")  # fmt: skip
    return notes


def _image(platform: str, target: ResolvedTarget, arch: str) -> str:
    container = target.get("container")
    if container and ("/" in container or ":" in container):
        return container
    policy = target.get("manylinux") or "auto"
    images = _MANYLINUX_IMAGES if platform == "linux" else _MUSLLINUX_IMAGES
    if policy not in images:
        raise ConfigError(
            f"[tool.maturin.generate-ci.github.{platform}] manylinux {policy!r} has no official "
            f"image for GitLab; expected one of {', '.join(images)}"
        )
    return f"quay.io/pypa/{images[policy]}_{arch}"


def _setup_lines(toolchain: str | None, components: str | None) -> list[str]:
    lines = [
        "curl --proto '=https' --tlsv1.2 -sSf https://sh.rustup.rs | sh -s -- -y "
        f"--profile minimal --default-toolchain {toolchain or 'stable'}",
        'export PATH="$HOME/.cargo/bin:$PATH"',
    ]
    if components:
        lines.append(f"rustup component add {components}")
    lines += [f"{_PYTHON} -m venv /tmp/maturin", "/tmp/maturin/bin/pip install 'maturin>=1.9,<2'"]
    return lines


def _manifest(ci: ResolvedCI) -> str | None:
    path = ci.manifest_path
    return path if path is not None and path != "Cargo.toml" else None


def _build_lines(ci: ResolvedCI, target: ResolvedTarget) -> list[str]:
    facts = ci.facts
    manifest = _manifest(ci)
    base = f"{_MATURIN} build --release --out dist"
    tail = (f" --manifest-path {manifest}" if manifest else "") + (
        f" {target.get('args')}" if target.get("args") else ""
    )
    if facts.abi3:
        return [f"{base} -i {_PYTHON}{tail}",
                f"{base} -i /opt/python/cp314-cp314t/bin/python{tail}"]  # fmt: skip
    if facts.needs_python or ci.pytest:
        return [f"{base} --find-interpreter{tail}"]
    return [f"{base}{tail}"]


def _pytest_lines(ci: ResolvedCI) -> list[str]:
    minor = ci.min_python_minor
    python = f"/opt/python/cp3{minor}-cp3{minor}/bin/python" if minor else _PYTHON
    name = ci.facts.name
    manifest = _manifest(ci)
    chdir = f"cd {PurePath(manifest).parent} && " if manifest else ""
    return [
        f"{python} -m venv /tmp/test-venv",
        f"/tmp/test-venv/bin/pip install {name} --no-index --no-deps --find-links dist "
        "--force-reinstall",
        f"/tmp/test-venv/bin/pip install {name} pytest",
        f"{chdir}/tmp/test-venv/bin/pytest",
    ]


def _build_job(ci: ResolvedCI, platform: str, targets: list[ResolvedTarget]) -> dict[str, Any]:
    matrix = []
    for target in targets:
        arch = _linux_arch(target.target) or target.target
        matrix.append({
            "TARGET": target.target,
            "IMAGE": _image(platform, target, arch),
            "RUNNER": _RUNNERS[arch],
        })  # fmt: skip
    first = targets[0]
    script = [*(first.get("before-script-linux") or "").splitlines(), *_build_lines(ci, first)]
    if ci.pytest:
        script += _pytest_lines(ci)
    job: dict[str, Any] = {
        "stage": "build",
        "image": "$IMAGE",
        "tags": ["$RUNNER"],
        "parallel": {"matrix": matrix},
        "before_script": _setup_lines(first.get("rust-toolchain"), first.get("rustup-components")),
        "script": [line for line in script if line.strip()],
        "artifacts": {"name": f"wheels-{platform}-$TARGET", "paths": ["dist/"]},
    }
    if not ci.skip_attestation:
        # GitLab's SLSA provenance for the job's artifacts (its counterpart of attestations).
        job["variables"] = {"RUNNER_GENERATE_ARTIFACTS_METADATA": "true"}
    return job


def _check_uniform(platform: str, targets: list[ResolvedTarget]) -> None:
    """GitLab's matrix varies variables only; per-target scripts must agree."""
    for key in ("before-script-linux", "rust-toolchain", "rustup-components", "args"):
        if len({target.get(key) for target in targets}) > 1:
            raise ConfigError(
                f"[tool.maturin.generate-ci.github.{platform}]: `{key}` differs between targets, "
                "which the GitLab pipeline cannot express yet; set it on the platform table"
            )


def gitlab_pipeline(ci: ResolvedCI) -> dict[str, Any]:
    """The ``.gitlab-ci.yml`` document (plain data) for the targets GitLab can build."""
    built, _ = gitlab_support(ci)
    document: dict[str, Any] = {
        "stages": ["build", "release"],
        "workflow": {"rules": [
            {"if": '$CI_COMMIT_BRANCH == "main" || $CI_COMMIT_BRANCH == "master"'},
            {"if": "$CI_COMMIT_TAG"},
            {"if": '$CI_PIPELINE_SOURCE == "merge_request_event"'},
            {"if": '$CI_PIPELINE_SOURCE == "web"'},
        ]},
    }  # fmt: skip
    needs = []
    for platform, names in built.items():
        targets = [t for t in ci.platforms[platform] if t.target in names]
        _check_uniform(platform, targets)
        document[platform] = _build_job(ci, platform, targets)
        needs.append(platform)
    if ci.facts.has_pyproject:
        manifest = _manifest(ci)
        document["sdist"] = {
            "stage": "build",
            "image": "quay.io/pypa/manylinux2014_x86_64",
            "tags": [_RUNNERS["x86_64"]],
            "before_script": _setup_lines(None, None),
            "script": [f"{_MATURIN} sdist --out dist"
                       + (f" --manifest-path {manifest}" if manifest else "")],
            "artifacts": {"name": "wheels-sdist", "paths": ["dist/"]},
        }  # fmt: skip
        needs.append("sdist")
    release: dict[str, Any] = {
        "stage": "release",
        "image": "ghcr.io/astral-sh/uv:python3.12-bookworm-slim",
        "tags": [_RUNNERS["x86_64"]],
        "rules": [{"if": "$CI_COMMIT_TAG"}],
        "needs": [{"job": name, "artifacts": True} for name in needs],
    }
    if ci.publishing_environment is not None:
        release["environment"] = {"name": ci.publishing_environment}
    if ci.trusted_publishing:
        release["id_tokens"] = {"PYPI_ID_TOKEN": {"aud": "pypi"}}
        release["script"] = ["uv publish --trusted-publishing always dist/*"]
    else:
        release["variables"] = {"UV_PUBLISH_TOKEN": "$PYPI_API_TOKEN"}
        release["script"] = ["uv publish dist/*"]
    document["release"] = release
    return document
