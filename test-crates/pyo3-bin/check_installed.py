"""Check the installed pyo3-bin wheel: run the script from the venv's bin directory."""

import subprocess
import sys
from pathlib import Path

script = Path(sys.executable).parent / "pyo3-bin"
out = subprocess.run([script], check=True, capture_output=True, text=True).stdout
assert out.strip() == "sum of squares 0..=10 computed by Python: 385", out
print("pyo3-bin OK")
