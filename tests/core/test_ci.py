"""core/ci: config errors, maturin's resolution order, pins, YAML round trips, GitLab files."""

from __future__ import annotations

import re
from typing import Any

import pytest

from cratewright.core.ci.checks import audit_workflow, check_schema
from cratewright.core.ci.config import parse_github_config
from cratewright.core.ci.emit import dump_yaml, load_yaml
from cratewright.core.ci.generate import render
from cratewright.core.ci.gitlab import gitlab_header_notes, gitlab_pipeline
from cratewright.core.ci.pins import PINS
from cratewright.core.ci.resolve import CIOptions, ProjectFacts, ResolvedCI, resolve_ci
from cratewright.errors import ConfigError

PYO3 = ProjectFacts(name="demo", bindings="pyo3", requires_python=">=3.9")
ABI3 = ProjectFacts(name="demo", bindings="pyo3", abi3=True, abi3_minor=9)
BIN = ProjectFacts(name="demo", bindings="bin")


def _ci(
    table: dict[str, Any] | None = None, facts: ProjectFacts = PYO3, **options: Any
) -> ResolvedCI:
    return resolve_ci(CIOptions(**options), parse_github_config(table), facts)


def test_every_pin_is_a_full_sha_with_a_version_tag() -> None:
    assert len(PINS) >= 9
    for name, action in PINS.items():
        assert re.fullmatch(r"[0-9a-f]{40}", action.sha), name
        assert re.fullmatch(r"v\d+(\.\d+){0,2}", action.tag), name
        assert action.uses == f"{name}@{action.sha}"


def test_pinned_uses_carry_their_tag_as_comment() -> None:
    text = render(_ci(), "github", command=["cratewright", "generate-ci", "github"])
    uses = re.findall(r"uses: (\S+)@(\S+)(.*)", text)
    assert uses
    for name, ref, comment in uses:
        assert ref == PINS[name].sha
        assert comment.strip() == f"# {PINS[name].tag}"


@pytest.mark.parametrize(
    ("table", "options", "facts", "message"),
    [
        ({"linux": {"targets": ["sparc"]}}, {}, PYO3,
         "unknown arch 'sparc' for linux; expected one of x86_64"),
        ({"freebsd": {"targets": ["x86_64"]}}, {}, PYO3,
         "github.freebsd]: unknown platform table; expected one of linux, musllinux, windows"),
        ({"pytset": True}, {}, PYO3, "unknown key `pytset`; expected one of pytest"),
        ({"macos": {"runner": "ubuntu-latest"}}, {}, PYO3,
         "runner 'ubuntu-latest' is a ubuntu runner and cannot build macOS wheels"),
        ({"windows": {"target": [{"arch": "x64", "runner": "macos-14"}]}}, {}, PYO3,
         "cannot build Windows wheels; expected a windows-* runner"),
        ({"windows": {"manylinux": "2_28"}}, {}, PYO3, "`manylinux` applies to Linux builds only"),
        ({"emscripten": {}}, {}, BIN, "a bin crate has no extension module for Pyodide"),
        (None, {"platforms": ("emscripten",)}, BIN, "--platform emscripten: a bin crate"),
        ({"args": "--find-interpreter"}, {}, BIN, "args has --find-interpreter but"),
        ({"linux": {"targets": ["x86_64"], "target": [{"arch": "x86_64"}]}}, {}, PYO3,
         "mutually exclusive"),
        ({"linux": {"target": [{"runner": "ubuntu-24.04"}]}}, {}, PYO3, "every entry needs `arch`"),
        ({"linux": {"target": [{"arch": "x86_64", "ruNNer": "x"}]}}, {}, PYO3,
         "unknown key `ruNNer`; expected one of arch, runner"),
        ({"zig": "yes"}, {}, PYO3, "zig must be true or false"),
        ({"macos": {"targets": ["armv7"]}}, {}, PYO3, "unknown arch 'armv7' for macos"),
    ],
)  # fmt: skip
def test_mistakes_maturin_ignores_are_clear_errors(
    table: dict[str, Any] | None, options: dict[str, Any], facts: ProjectFacts, message: str
) -> None:
    with pytest.raises(ConfigError, match=re.escape(message)):
        _ci(table, facts, **options)


def test_target_over_platform_over_default() -> None:
    ci = _ci({
        "args": "--locked",
        "linux": {
            "manylinux": "2_28",
            "runner": "ubuntu-24.04",
            "target": [{"arch": "x86_64"}, {"arch": "aarch64", "manylinux": "2_34",
                                               "runner": "ubuntu-24.04-arm", "args": "-F simd"}],
        },
    })  # fmt: skip
    x86, arm = ci.platforms["linux"]
    assert (x86.runner, x86.get("manylinux"), x86.get("args")) == (
        "ubuntu-24.04",
        "2_28",
        "--locked",
    )
    assert (arm.runner, arm.get("manylinux"), arm.get("args")) == (
        "ubuntu-24.04-arm",
        "2_34",
        "-F simd",
    )
    # Only listed platforms once a platform table exists.
    assert list(ci.platforms) == ["linux"]


def test_defaults_and_cli_platforms_in_maturin_order() -> None:
    assert list(_ci().platforms) == ["linux", "musllinux", "windows", "macos"]
    assert list(_ci(platforms=("windows", "manylinux")).platforms) == ["linux", "windows"]
    assert list(_ci(platforms=("all",), facts=BIN).platforms) == [
        "linux", "musllinux", "windows", "macos"]  # fmt: skip
    assert "android" in _ci(platforms=("all",)).platforms


def test_varying_inputs_move_into_the_matrix_and_quote_like_strings() -> None:
    table = {"linux": {"target": [{"arch": "x86_64", "manylinux": "2_28"}, {"arch": "aarch64"}]}}
    text = render(_ci(table), "github", command=["cratewright"])
    job = load_yaml(text)["jobs"]["linux"]
    assert job["strategy"]["matrix"]["platform"][0]["manylinux"] == "2_28"  # a string, not 228
    assert job["steps"][2]["with"]["manylinux"] == "${{ matrix.platform.manylinux }}"


@pytest.mark.parametrize(
    "ci",
    [_ci(), _ci(facts=ABI3, pytest=True), _ci(facts=BIN, skip_attestation=True),
     _ci({"trusted-publishing": True, "publishing-environment": "pypi", "pytest": True}),
     _ci(platforms=("all",), pytest=True, zig=True)],
)  # fmt: skip
def test_github_files_parse_back_validate_and_pass_zizmor(ci: ResolvedCI) -> None:
    text = render(ci, "github", command=["cratewright", "generate-ci", "github"])
    document = load_yaml(text)
    assert set(document["jobs"]) == {*ci.platforms, "sdist", "release"}
    assert "on" in document  # YAML 1.2: not the boolean True
    schema = check_schema(text, "github")
    assert schema.available, "check-jsonschema (ci extra) must be installed for the tests"
    assert schema.ok, schema.findings
    audit = audit_workflow(text)
    assert audit.available and audit.ok, [f for f in audit.findings if f.blocking]


def test_schema_check_catches_a_broken_workflow() -> None:
    report = check_schema(dump_yaml({"name": "CI", "jobs": {"a": {"steps": 3}}}), "github")
    assert report.available and not report.ok


@pytest.mark.parametrize(
    "ci",
    [_ci(), _ci(facts=ABI3, pytest=True), _ci(facts=BIN, skip_attestation=True),
     _ci({"trusted-publishing": True, "publishing-environment": "pypi"}),
     _ci({"linux": {"manylinux": "2_28", "targets": ["x86_64", "aarch64"]}}, zig=True),
     _ci(platforms=("all",), pytest=True, manifest_path="rust/Cargo.toml")],
)  # fmt: skip
def test_gitlab_files_parse_back_and_validate(ci: ResolvedCI) -> None:
    text = render(ci, "gitlab", command=["cratewright", "generate-ci", "gitlab"])
    document = load_yaml(text)
    assert document["stages"] == ["build", "release"]
    assert "release" in document and "sdist" in document
    report = check_schema(text, "gitlab")
    assert report.available and report.ok, report.findings


def test_gitlab_builds_what_its_runners_can_and_says_what_it_cannot() -> None:
    ci = _ci()
    pipeline = gitlab_pipeline(ci)
    linux = pipeline["linux"]["parallel"]["matrix"]
    assert [(e["TARGET"], e["IMAGE"], e["RUNNER"]) for e in linux] == [
        ("x86_64", "quay.io/pypa/manylinux2014_x86_64", "saas-linux-small-amd64"),
        ("x86", "quay.io/pypa/manylinux2014_i686", "saas-linux-small-amd64"),
        ("aarch64", "quay.io/pypa/manylinux2014_aarch64", "saas-linux-small-arm64"),
    ]
    assert next(e["IMAGE"] for e in pipeline["musllinux"]["parallel"]["matrix"]) == (
        "quay.io/pypa/musllinux_1_2_x86_64"
    )
    assert "windows" not in pipeline and "macos" not in pipeline
    notes = "\n".join(gitlab_header_notes(ci))
    assert "linux armv7, s390x, ppc64le: not generated" in notes
    assert "windows: not generated" in notes and "macos: not generated" in notes
    text = render(ci, "gitlab", command=["cratewright"])
    assert "# - windows: not generated" in text.split("stages:")[0]


def test_gitlab_says_which_github_inputs_it_does_not_use() -> None:
    table = {"linux": {"runner": "ubuntu-24.04", "docker-options": "-e X=1"}}
    notes = gitlab_header_notes(_ci(table))
    assert "docker-options and runner from the GitHub table are not used" in "\n".join(notes)
    assert not any("not used" in note for note in gitlab_header_notes(_ci()))


def test_gitlab_refuses_a_policy_without_an_official_image() -> None:
    with pytest.raises(ConfigError, match="manylinux '2_99' has no official image"):
        gitlab_pipeline(_ci({"linux": {"manylinux": "2_99"}}))


def test_trusted_publishing_drops_the_token() -> None:
    release = load_yaml(render(_ci({"trusted-publishing": True}), "github", command=["c"]))[
        "jobs"]["release"]  # fmt: skip
    publish = release["steps"][-1]
    assert publish["run"] == "uv publish --trusted-publishing always 'wheels-*/*'"
    assert "env" not in publish


def test_missing_tools_are_reported_not_raised(monkeypatch: pytest.MonkeyPatch) -> None:
    from cratewright.core.ci import checks as validate_module

    monkeypatch.setattr(validate_module, "_tool", lambda name: None)
    reports = validate_module.validate("name: CI\n", "github")
    assert [(r.tool, r.available) for r in reports] == [
        ("check-jsonschema", False), ("zizmor", False)]  # fmt: skip
    assert "pip install 'cratewright[ci]'" in reports[0].summary
