"""Check the installed include-out-dir wheel: the build script's files sit in the package."""

from pathlib import Path

import include_out_dir

# maturin keeps the path relative to OUT_DIR under `to`
data = Path(include_out_dir.__file__).parent / "data" / "generated"
assert include_out_dir.answer() == 42
assert (data / "answer.txt").read_text() == "42\n"
assert (data / "nested" / "greeting.txt").read_text() == "hello from build.rs\n"
assert not list(data.parent.parent.rglob("*.log"))
print("include-out-dir OK")
