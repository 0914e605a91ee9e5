"""`cratewright build --help` (and develop's) offer every flag maturin 1.16's do.

maturin (installed in the dev venv only as a test oracle) is asked for its own help text;
every option it lists must appear in ours, except the few left out on purpose below, each
with its reason (also in README.md, "maturin flags left out").
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO, run_cratewright

pytestmark = pytest.mark.oracle

# flag -> why cratewright does not offer it (kept in step with README.md)
LEFT_OUT: dict[str, dict[str, str]] = {
    "build": {},
    "develop": {},
}

_OPTION_LINE = re.compile(r"^\s{2,}((?:-[A-Za-z], )?--?[A-Za-z][\w-]*)")
_FLAG = re.compile(r"(?<![\w-])(--?[A-Za-z][\w-]*)")


def _maturin() -> str:
    found = shutil.which("maturin", path=str(Path(sys.executable).parent))
    assert found, "maturin (test oracle) must be installed in the test environment"
    return found


def maturin_flags(verb: str) -> set[str]:
    """Every option maturin's ``<verb> --help`` lists (short and long spellings)."""
    text = subprocess.run(
        [_maturin(), verb, "--help"], capture_output=True, text=True, check=True
    ).stdout
    flags: set[str] = set()
    for line in text.splitlines():
        match = _OPTION_LINE.match(line)
        if match:
            flags.update(f.strip() for f in match[1].split(","))
    return flags - {"-h", "--help"}


def our_flags(verb: str) -> set[str]:
    proc = run_cratewright(verb, "--help")
    assert proc.returncode == 0, proc.stderr
    return set(_FLAG.findall(proc.stdout))


@pytest.mark.parametrize("verb", ["build", "develop"])
def test_every_maturin_flag_is_offered(verb: str) -> None:
    theirs = maturin_flags(verb)
    assert {"--release", "--features", "-j", "--compression-method"} <= theirs  # parser works
    missing = theirs - our_flags(verb) - set(LEFT_OUT[verb])
    assert not missing, f"maturin {verb} flags missing from cratewright {verb}: {sorted(missing)}"


@pytest.mark.parametrize("verb", ["build", "develop"])
def test_left_out_flags_are_real_and_documented(verb: str) -> None:
    readme = (REPO / "README.md").read_text()
    section = readme.split("#### maturin flags left out", 1)
    assert len(section) == 2, "README.md lists the maturin flags left out"
    listed = section[1].split("\n## ", 1)[0]
    if not LEFT_OUT[verb]:
        assert "None: every maturin 1.16 `build` and `develop` flag is offered" in listed
    for flag, reason in LEFT_OUT[verb].items():
        assert flag in maturin_flags(verb), f"{flag} is not a maturin {verb} flag (any more)"
        assert flag not in our_flags(verb), f"{flag} is offered now; drop it from LEFT_OUT"
        assert reason and f"`{flag}`" in listed
