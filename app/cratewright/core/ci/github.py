"""The GitHub Actions release workflow, as data, with the jobs and steps of maturin 1.16.

Each build job runs a matrix of targets through PyO3/maturin-action and uploads its wheels;
``sdist`` builds the source distribution; ``release`` (on tags or a manual run) attests and
publishes everything with ``uv publish``. It differs from ``maturin generate-ci github`` only
where that output fails zizmor's audit: actions are pinned to commit SHAs
(:mod:`cratewright.core.ci.pins`), checkouts do not persist the token, and setup-uv's and
setup-node's caches are off (cache poisoning of a publishing workflow), the emsdk cache is off
on tag builds as sccache is; setup-node is v6, as maturin's v3 runs on a retired Node. The
oracle test lists these differences.
"""

from __future__ import annotations

from pathlib import PurePath
from typing import Any

from cratewright.core.ci.model import Inline, Note, expr
from cratewright.core.ci.pins import pin
from cratewright.core.ci.resolve import ResolvedCI, ResolvedTarget

__all__ = ["github_workflow"]

TARGET = "matrix.platform.target"
ON_TAG = "startsWith(github.ref, 'refs/tags/')"
# maturin-action inputs that may differ per target: (input name, matrix key).
_ACTION_FIELDS = (
    ("manylinux", "manylinux"),
    ("container", "container"),
    ("docker-options", "docker_options"),
    ("rust-toolchain", "rust_toolchain"),
    ("rustup-components", "rustup_components"),
    ("before-script-linux", "before_script_linux"),
)
_UBUNTU_2404_PYTHON_MINOR = 12


def _uses(name: str) -> str:
    return pin(name).uses


def _setup_uv(condition: str | None = None) -> dict[str, Any]:
    """setup-uv without its cache: zizmor's cache-poisoning audit flags the default."""
    step: dict[str, Any] = {"uses": _uses("astral-sh/setup-uv")}
    if condition is not None:
        step["if"] = condition
    step["with"] = {"enable-cache": False}
    return step


def _checkout() -> dict[str, Any]:
    return {"uses": _uses("actions/checkout"), "with": {"persist-credentials": False}}


def _uniform(targets: tuple[ResolvedTarget, ...], key: str) -> tuple[bool, str | None]:
    """(True, value) when every target has the same value for ``key``."""
    values = {target.get(key) for target in targets}
    return (True, values.pop()) if len(values) == 1 else (False, None)


def _matrix(targets: tuple[ResolvedTarget, ...]) -> dict[str, Any]:
    entries = []
    varying = [
        (key, matrix_key)
        for key, matrix_key in (*_ACTION_FIELDS, ("args", "extra_args"))
        if not _uniform(targets, key)[0]
    ]
    for target in targets:
        entry: dict[str, Any] = {"runner": target.runner, "target": target.target}
        if target.python_arch is not None:
            entry["python_arch"] = target.python_arch
        for key, matrix_key in varying:
            if target.get(key) is not None:
                entry[matrix_key] = target.get(key)
        entries.append(entry)
    return {"matrix": {"platform": entries}}


def _python_version(platform: str, minor: int | None) -> str:
    if platform == "windows":
        return f"3.{minor}" if minor is not None and minor >= 13 else "3.13"
    return f"3.{minor}" if minor is not None else "3.x"


def _setup_python(platform: str, version: str) -> dict[str, Any]:
    with_: dict[str, Any] = {"python-version": version}
    if platform == "windows":
        with_["architecture"] = expr("matrix.platform.python_arch")
    return {"uses": _uses("actions/setup-python"), "with": with_}


def _emscripten_setup() -> list[dict[str, Any]]:
    script = "\n".join((
        "echo EMSCRIPTEN_VERSION=$(pyodide config get emscripten_version) >> $GITHUB_ENV",
        "echo PYTHON_VERSION=$(pyodide config get python_version | cut -d '.' -f 1-2) "
        ">> $GITHUB_ENV",
        "echo RUST_TOOLCHAIN=$(pyodide config get rust_toolchain) >> $GITHUB_ENV",
        "if v=$(pyodide config get pyemscripten_platform_version 2>/dev/null); then "
        "echo PYEMSCRIPTEN_PLATFORM_VERSION=$v >> $GITHUB_ENV; "
        "elif v=$(pyodide config get pyodide_abi_version 2>/dev/null); then "
        "echo PYODIDE_ABI_VERSION=$v >> $GITHUB_ENV; fi",
        "pip uninstall -y pyodide-build",
    ))  # fmt: skip
    return [
        {"run": "pip install pyodide-build"},
        {"name": "Get Emscripten and Python version info", "shell": "bash", "run": script},
        {
            "uses": _uses("emscripten-core/setup-emsdk"),
            "with": {
                "version": expr("env.EMSCRIPTEN_VERSION"),
                # No emsdk cache on tag builds, like sccache: nothing cached reaches a release.
                "actions-cache-folder": expr(f"!{ON_TAG} && 'emsdk-cache' || ''"),
            },
        },
        {"uses": _uses("actions/setup-python"),
         "with": {"python-version": expr("env.PYTHON_VERSION")}},
        {"run": "pip install pyodide-build"},
    ]  # fmt: skip


def _platform_setup(ci: ResolvedCI, platform: str) -> list[dict[str, Any]]:
    if platform == "emscripten":
        return _emscripten_setup()
    if platform == "android" or not (ci.pytest or ci.facts.needs_python):
        return []
    return [_setup_python(platform, _python_version(platform, ci.min_python_minor))]


def _manifest_arg(ci: ResolvedCI) -> str | None:
    path = ci.manifest_path
    return path if path is not None and path != "Cargo.toml" else None


def _maturin_args(ci: ResolvedCI, platform: str) -> list[str]:
    facts = ci.facts
    setup_python = ci.pytest or facts.needs_python
    if facts.abi3 or (facts.is_bin and not setup_python) or platform == "android":
        args: list[str] = []
    elif platform == "emscripten":
        args = ["-i", expr("env.PYTHON_VERSION")]
    else:
        args = ["--find-interpreter"]
    manifest = _manifest_arg(ci)
    if manifest is not None:
        args += ["--manifest-path", manifest]
    if ci.zig and platform == "linux":
        args.append("--zig")
    return args


def _build_step(
    name: str, args: str, targets: tuple[ResolvedTarget, ...], suffix: str = ""
) -> dict[str, Any]:
    uniform, extra = _uniform(targets, "args")
    extra_args = (f" {extra}" if extra else "") if uniform else " ${{ matrix.platform.extra_args }}"
    with_: dict[str, Any] = {
        "target": expr(TARGET),
        "args": f"--release --out dist{args}{extra_args}{suffix}",
        "sccache": expr(f"!{ON_TAG}"),
    }
    for key, matrix_key in _ACTION_FIELDS:
        same, value = _uniform(targets, key)
        if not same:
            with_[key] = expr(f"matrix.platform.{matrix_key}")
        elif value is not None:
            with_[key] = value
    return {"name": name, "uses": _uses("PyO3/maturin-action"), "with": with_}


def _free_threaded_setup(platform: str, minor: int | None) -> list[dict[str, Any]]:
    if platform not in ("windows", "macos"):
        return []
    version = f"3.{minor}t" if minor is not None and minor > 14 else "3.14t"
    return [_setup_python(platform, version)]


def _upload(platform: str) -> dict[str, Any]:
    artifact = f"wheels-{platform}-{expr(TARGET)}"
    return {
        "name": "Upload wheels",
        "uses": _uses("actions/upload-artifact"),
        "with": {"name": artifact, "path": "dist"},
    }


def _install_lines(name: str, installer: str, reinstall: str, *, with_pytest: bool) -> list[str]:
    second = f"{installer} install {name} pytest" if with_pytest else f"{installer} install {name}"
    return [
        f"{installer} install {name} --no-index --no-deps --find-links dist {reinstall}",
        second,
    ]


def _uv_pytest(
    name: str, chdir: str, activate: str, *, condition: str | None, shell: str | None
) -> list[dict[str, Any]]:
    steps: list[dict[str, Any]] = []
    if condition is None:
        steps.append(_setup_uv())
    step: dict[str, Any] = {"name": "pytest"}
    if condition is not None:
        step["if"] = condition
    if shell is not None:
        step["shell"] = shell
    lines = ["set -e", "uv venv .venv", f"source {activate}"]
    lines += _install_lines(name, "uv pip", "--reinstall", with_pytest=True)
    step["run"] = "\n".join([*lines, f"{chdir}pytest"])
    return [*steps, step]


def _run_on_arch(distro: str, install: list[str], run: list[str], condition: str) -> dict:
    return {
        "name": "pytest",
        "if": condition,
        "uses": _uses("uraimo/run-on-arch-action"),
        "with": {
            "arch": expr(TARGET),
            "distro": distro,
            "githubToken": expr("github.token"),
            "install": "\n".join(install) + "\n",
            "run": "\n".join(run) + "\n",
        },
    }


def _linux_pytest(name: str, chdir: str, minor: int | None) -> list[dict[str, Any]]:
    on_x86_64 = expr(f"startsWith({TARGET}, 'x86_64')")
    steps = [_setup_uv(on_x86_64)]
    steps += _uv_pytest(name, chdir, ".venv/bin/activate", condition=on_x86_64, shell="bash")
    if minor is not None and minor > _UBUNTU_2404_PYTHON_MINOR:
        install = [
            "apt-get update",
            "apt-get install -y --no-install-recommends software-properties-common",
            "add-apt-repository -y ppa:deadsnakes/ppa",
            "apt-get update",
            f"apt-get install -y --no-install-recommends python3.{minor} python3.{minor}-venv",
        ]
        venv = f"python3.{minor} -m venv .venv"
    else:
        install = [
            "apt-get update",
            "apt-get install -y --no-install-recommends python3 python3-venv",
        ]
        venv = "python3 -m venv .venv"
    run = ["set -e", venv, "source .venv/bin/activate", "pip install pytest"]
    run += _install_lines(name, "pip", "--force-reinstall", with_pytest=False)
    condition = expr(f"!startsWith({TARGET}, 'x86') && {TARGET} != 'ppc64'")
    steps.append(_run_on_arch("ubuntu24.04", install, [*run, f"{chdir}pytest"], condition))
    return steps


def _musllinux_pytest(name: str, chdir: str) -> list[dict[str, Any]]:
    pip = _install_lines(name, "pip", "--force-reinstall", with_pytest=True)
    inner = ["apk add py3-pip py3-virtualenv", "python3 -m virtualenv .venv",
             "source .venv/bin/activate", *pip, f"{chdir}pytest"]  # fmt: skip
    docker = "\n".join([
        "set -e",
        "docker run --rm -v ${{ github.workspace }}:/io -w /io alpine:latest sh -c '",
        *(f"  {line}" for line in inner),
        "'",
    ])  # fmt: skip
    run = ["set -e", "python3 -m virtualenv .venv", "source .venv/bin/activate", *pip,
           f"{chdir}pytest"]  # fmt: skip
    return [
        {"name": "pytest", "if": expr(f"startsWith({TARGET}, 'x86_64')"), "run": docker},
        _run_on_arch("alpine_latest", ["apk add py3-virtualenv"], run,
                     expr(f"!startsWith({TARGET}, 'x86')")),
    ]  # fmt: skip


def _emscripten_pytest(name: str, chdir: str) -> list[dict[str, Any]]:
    lines = ["set -e", "pyodide venv .venv", "source .venv/bin/activate"]
    lines += _install_lines(name, "pip", "--force-reinstall", with_pytest=True)
    return [
        {
            "uses": _uses("actions/setup-node"),
            "with": {"node-version": "22", "package-manager-cache": False},
        },
        {"name": "pytest", "run": "\n".join([*lines, f"{chdir}python -m pytest"])},
    ]


def _pytest_steps(ci: ResolvedCI, platform: str) -> list[dict[str, Any]]:
    name = ci.facts.name
    manifest = _manifest_arg(ci)
    chdir = f"cd {PurePath(manifest).parent} && " if manifest is not None else ""
    if platform == "linux":
        return _linux_pytest(name, chdir, ci.min_python_minor)
    if platform == "musllinux":
        return _musllinux_pytest(name, chdir)
    if platform == "windows":
        return _uv_pytest(name, chdir, ".venv/Scripts/activate", condition=None, shell="bash")
    if platform == "macos":
        return _uv_pytest(name, chdir, ".venv/bin/activate", condition=None, shell=None)
    if platform == "emscripten":
        return _emscripten_pytest(name, chdir)
    return []


def _platform_job(ci: ResolvedCI, platform: str) -> dict[str, Any]:
    targets = ci.platforms[platform]
    words = _maturin_args(ci, platform)
    args = "".join(f" {word}" for word in words)
    steps = [
        _checkout(),
        *_platform_setup(ci, platform),
        _build_step("Build wheels", args, targets),
    ]
    if ci.facts.abi3:
        steps += _free_threaded_setup(platform, ci.min_python_minor)
        steps.append(_build_step("Build free-threaded wheels", args, targets, " -i python3.14t"))
    steps.append(_upload(platform))
    if ci.pytest:
        steps += _pytest_steps(ci, platform)
    return {"runs-on": expr("matrix.platform.runner"), "strategy": _matrix(targets), "steps": steps}


def _sdist_job(ci: ResolvedCI) -> dict[str, Any]:
    manifest = _manifest_arg(ci)
    args = "--out dist" + (f" --manifest-path {manifest}" if manifest else "")
    return {
        "runs-on": "ubuntu-latest",
        "steps": [
            _checkout(),
            {"name": "Build sdist", "uses": _uses("PyO3/maturin-action"),
             "with": {"command": "sdist", "args": args}},
            {"name": "Upload sdist", "uses": _uses("actions/upload-artifact"),
             "with": {"name": "wheels-sdist", "path": "dist"}},
        ],
    }  # fmt: skip


def _release_job(ci: ResolvedCI, needs: list[str]) -> dict[str, Any]:
    job: dict[str, Any] = {
        "name": "Release",
        "runs-on": "ubuntu-latest",
        "if": expr(f"{ON_TAG} || github.event_name == 'workflow_dispatch'"),
        "needs": Inline(tuple(needs)),
    }
    if ci.publishing_environment is not None:
        job["environment"] = ci.publishing_environment
    permissions: dict[str, Any] = {
        "id-token": Note("write", "Use to sign the release artifacts"),
        "contents": Note("write", "Used to upload release artifacts"),
    }
    if not ci.skip_attestation:
        permissions["attestations"] = Note("write", "Used to generate artifact attestation")
    job["permissions"] = permissions
    steps: list[dict[str, Any]] = [{"uses": _uses("actions/download-artifact")}]
    if not ci.skip_attestation:
        steps.append({"name": "Generate artifact attestation", "uses": _uses("actions/attest"),
                      "with": {"subject-path": "wheels-*/*"}})  # fmt: skip
    # No cache on the release path: a cache written by a pull request must not reach it.
    steps.append({"name": "Install uv", **_setup_uv(expr(ON_TAG))})
    publish: dict[str, Any] = {"name": "Publish to PyPI", "if": expr(ON_TAG)}
    if ci.trusted_publishing:
        publish["run"] = "uv publish --trusted-publishing always 'wheels-*/*'"
    else:
        publish["run"] = "uv publish 'wheels-*/*'"
        publish["env"] = {"UV_PUBLISH_TOKEN": expr("secrets.PYPI_API_TOKEN")}
    steps.append(publish)
    job["steps"] = steps
    return job


def github_workflow(ci: ResolvedCI) -> dict[str, Any]:
    """The workflow document (plain data; see :func:`cratewright.core.ci.emit.dump_yaml`)."""
    jobs: dict[str, Any] = {name: _platform_job(ci, name) for name in ci.platforms}
    needs = list(ci.platforms)
    if ci.facts.has_pyproject:
        jobs["sdist"] = _sdist_job(ci)
        needs.append("sdist")
    jobs["release"] = _release_job(ci, needs)
    return {
        "name": "CI",
        "on": {
            "push": {"branches": ["main", "master"], "tags": ["*"]},
            "pull_request": None,
            "workflow_dispatch": None,
        },
        "permissions": {"contents": "read"},
        "jobs": jobs,
    }
