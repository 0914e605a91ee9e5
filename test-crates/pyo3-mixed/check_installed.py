"""Check the installed pyo3-mixed wheel: package, native submodule and console script."""

import subprocess
import sys
from pathlib import Path

import pyo3_mixed

assert pyo3_mixed.multiply(6, 7) == 42
assert pyo3_mixed.square(9) == 81
assert pyo3_mixed.hello() == "Hello from Python and Rust!"

script = Path(sys.executable).parent / "pyo3-mixed-hello"
out = subprocess.run([script], check=True, capture_output=True, text=True).stdout
assert out.strip() == "Hello from Python and Rust!", out
print("pyo3-mixed OK")
