"""What a watch reacts to, and the in-place refresh of an installed wheel (no cargo here)."""

from __future__ import annotations

import base64
import csv
import hashlib
import io
from pathlib import Path

import pytest

from cratewright.core.develop.installed_files import refresh_installed
from cratewright.core.develop.watch_inputs import (
    ChangeKind,
    WatchInputs,
    classify_changes,
    dep_info_path,
    is_noise,
    parse_dep_info,
    sources_from_dep_info,
)
from cratewright.core.wheel.writer import WheelEntry


def test_dep_info_beside_uplifted_artifacts() -> None:
    assert dep_info_path("/t/debug/libfoo_bar.so") == Path("/t/debug/libfoo_bar.d")
    assert dep_info_path("/t/debug/hello-bin") == Path("/t/debug/hello-bin.d")
    assert dep_info_path("/t/x86_64-unknown-linux-gnu/release/libz.so") == Path(
        "/t/x86_64-unknown-linux-gnu/release/libz.d"
    )


def test_parse_dep_info_reads_the_first_rule_with_escaped_spaces(tmp_path: Path) -> None:
    dep = tmp_path / "libx.d"
    dep.write_text(
        "/t/libx.so: /p/src/lib.rs /p/src/my\\ mod.rs \\\n /p/build.rs\n\n/p/src/lib.rs:\n"
    )
    assert parse_dep_info(dep) == [
        Path("/p/src/lib.rs"),
        Path("/p/src/my mod.rs"),
        Path("/p/build.rs"),
    ]
    assert parse_dep_info(tmp_path / "missing.d") == []
    (tmp_path / "odd.d").write_text("no rule here")
    assert parse_dep_info(tmp_path / "odd.d") == []


def test_sources_leave_out_the_registry_and_target(tmp_path: Path) -> None:
    dep = tmp_path / "t" / "debug" / "liba.d"
    dep.parent.mkdir(parents=True)
    dep.write_text(
        f"{dep.parent}/liba.so: /p/src/lib.rs /home/u/.cargo/registry/src/x/lib.rs "
        f"{tmp_path}/t/debug/build/a-1/out/gen.rs\n"
    )
    found = sources_from_dep_info(
        [dep], [tmp_path / "t", Path("/home/u/.cargo")], within=[Path("/p")]
    )
    assert found == {Path("/p/src/lib.rs")}


def test_sources_of_another_checkout_do_not_count(tmp_path: Path) -> None:
    """Two checkouts of one crate share the uplifted dep-info in a shared target dir."""
    dep = tmp_path / "libpyo3_pure.d"
    dep.write_text("/t/debug/libpyo3_pure.so: /other/checkout/src/lib.rs /p/build-input.txt\n")
    assert sources_from_dep_info([dep], [], within=[Path("/p")]) == {Path("/p/build-input.txt")}
    assert sources_from_dep_info([dep], [], within=[Path("/mine")]) == frozenset()


@pytest.mark.parametrize(
    "name",
    ["x.pyc", ".lib.rs.swp", "lib.rs~", "4913", ".#lib.rs", "#lib.rs#", ".x.so.tmp-ab12", "a.bak"],
)
def test_editor_droppings_are_noise(name: str) -> None:
    assert is_noise(Path("/p/src") / name)


def test_noise_directories_count_only_below_the_root() -> None:
    root = Path("/home/u/target/proj")  # a project that lives under a folder named target
    assert not is_noise(root / "python" / "pkg" / "a.py", root)
    assert is_noise(root / "python" / "pkg" / "__pycache__" / "a.py", root)
    assert is_noise(root / ".git" / "index", root)
    assert not is_noise(root / "src" / "lib.rs")


def test_classification_takes_the_strongest_need(tmp_path: Path) -> None:
    pkg = tmp_path / "python" / "pkg"
    pkg.mkdir(parents=True)
    native = pkg / "_native.so"
    inputs = WatchInputs(
        sources=frozenset({tmp_path / "src" / "lib.rs"}),
        manifests=frozenset({tmp_path / "Cargo.toml", tmp_path / "pyproject.toml"}),
        python_roots=(pkg,),
        own_outputs=frozenset({native}),
    )
    assert classify_changes([pkg / "a.py"], inputs) == (ChangeKind.PYTHON, [pkg / "a.py"])
    assert classify_changes([pkg / "a.py", tmp_path / "src" / "lib.rs"], inputs)[0] is (
        ChangeKind.REBUILD
    )
    assert classify_changes([tmp_path / "Cargo.toml", tmp_path / "src" / "lib.rs"], inputs) == (
        ChangeKind.REPLAN,
        [tmp_path / "Cargo.toml"],
    )
    noise = [native, pkg / "__pycache__" / "a.cpython-311.pyc", tmp_path / "target" / "x"]
    assert classify_changes(noise, inputs) == (ChangeKind.NONE, [])
    assert classify_changes([tmp_path / "README.md"], inputs) == (ChangeKind.NONE, [])


def test_directories_are_the_parents_and_the_python_tree(tmp_path: Path) -> None:
    (tmp_path / "src").mkdir()
    pkg = tmp_path / "python" / "pkg"
    (pkg / "sub").mkdir(parents=True)
    (pkg / "__pycache__").mkdir()
    (pkg / "a.py").write_text("")
    (pkg / "sub" / "b.py").write_text("")
    inputs = WatchInputs(
        sources=frozenset({tmp_path / "src" / "lib.rs"}),
        manifests=frozenset({tmp_path / "Cargo.toml"}),
        python_roots=(pkg,),
    )
    assert inputs.directories() == sorted([tmp_path, tmp_path / "src", pkg, pkg / "sub"])
    assert inputs.file_count == 4


def _record_line(name: str, data: bytes) -> list[str]:
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return [name, f"sha256={digest}", str(len(data))]


def _install(site: Path, files: dict[str, bytes], dist_info: str) -> None:
    rows = []
    for name, data in files.items():
        (site / name).parent.mkdir(parents=True, exist_ok=True)
        (site / name).write_bytes(data)
        rows.append(_record_line(name, data))
    (site / dist_info).mkdir(parents=True, exist_ok=True)
    rows.append([f"{dist_info}/RECORD", "", ""])
    rows.append(["pkg/__pycache__/__init__.cpython-311.pyc", "", ""])
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    (site / dist_info / "RECORD").write_text(buffer.getvalue())


def _wheel(folder: Path, files: dict[str, bytes], dist_info: str) -> dict[str, WheelEntry]:
    """A rebuild's members as the builder gives them: files on disk, generated bytes."""
    entries = {f"{dist_info}/METADATA": WheelEntry(None, b"Metadata-Version: 2.4\n", False)}
    for index, (name, data) in enumerate(files.items()):
        if index % 2:
            entries[name] = WheelEntry(None, data, name.endswith(".so"))
        else:
            source = folder / f"built-{index}"
            source.parent.mkdir(parents=True, exist_ok=True)
            source.write_bytes(data)
            entries[name] = WheelEntry(source, None, name.endswith(".so"))
    return entries


def test_refresh_rewrites_changed_files_and_their_record_lines(tmp_path: Path) -> None:
    site, dist_info = tmp_path / "site", "pkg-1.0.dist-info"
    _install(site, {"pkg/__init__.py": b"x = 1\n", "pkg/_n.so": b"old"}, dist_info)
    before_init = (site / "pkg" / "__init__.py").stat().st_ino
    wheel = _wheel(
        tmp_path / "built", {"pkg/__init__.py": b"x = 1\n", "pkg/_n.so": b"new!"}, dist_info
    )
    assert refresh_installed(site, dist_info, wheel)
    assert (site / "pkg" / "_n.so").read_bytes() == b"new!"
    assert (site / "pkg" / "_n.so").stat().st_mode & 0o111, "a native module stays executable"
    assert (site / "pkg" / "__init__.py").stat().st_ino == before_init  # untouched
    rows = list(csv.reader((site / dist_info / "RECORD").read_text().splitlines()))
    assert _record_line("pkg/_n.so", b"new!") in rows
    assert _record_line("pkg/__init__.py", b"x = 1\n") in rows


def test_refresh_refuses_a_different_file_set(tmp_path: Path) -> None:
    site, dist_info = tmp_path / "site", "pkg-1.0.dist-info"
    _install(site, {"pkg/_n.so": b"old"}, dist_info)
    wheel = _wheel(tmp_path / "built", {"pkg/_n.so": b"new", "pkg/extra.py": b""}, dist_info)
    assert not refresh_installed(site, dist_info, wheel)
    assert (site / "pkg" / "_n.so").read_bytes() == b"old"
    assert not refresh_installed(site, "other-1.0.dist-info", wheel)
