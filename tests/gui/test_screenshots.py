"""`cratewright gui PATH --screenshot DIR`: every page rendered headless, then exit."""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtGui import QImage

from tests.conftest import TEST_CRATES, run_cratewright

PAGES = ["overview", "metadata", "interpreters", "build", "audit", "publish", "release"]


def test_screenshot_renders_every_page_at_a_fixed_size(tmp_path: Path) -> None:
    out = tmp_path / "shots"
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    proc = run_cratewright("gui", TEST_CRATES / "pyo3-mixed", "--screenshot", out, env=env)
    assert proc.returncode == 0, proc.stderr
    assert sorted(p.stem for p in out.glob("*.png")) == sorted(PAGES)
    for page in PAGES:
        image = QImage(str(out / f"{page}.png"))
        assert (image.width(), image.height()) == (1280, 800)
        # A rendered page is not one flat colour.
        colours = {image.pixel(x, y) for x in range(0, 1280, 37) for y in range(0, 800, 23)}
        assert len(colours) > 5, page


def test_screenshot_of_a_broken_project_renders_the_error_and_fails(tmp_path: Path) -> None:
    crate = tmp_path / "crate"
    crate.mkdir()
    (crate / "Cargo.toml").write_text('[package]\nname = "x"\nversion = \n')
    out = tmp_path / "shots"
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    proc = run_cratewright("gui", crate, "--screenshot", out, env=env)
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr
    assert "could not open" in proc.stderr
    assert [p.name for p in out.iterdir()] == ["error.png"]


def test_no_display_is_a_clear_error_not_a_qt_abort() -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    env.pop("QT_QPA_PLATFORM", None)
    proc = run_cratewright("gui", TEST_CRATES / "hello-bin", env=env)
    assert proc.returncode == 1
    assert "no display to open the cratewright window on" in proc.stderr
    assert "xvfb-run" in proc.stderr
