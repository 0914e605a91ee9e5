"""Check the installed bin-sibling-cli wheel: run the plain binary from the venv's bin dir."""

import subprocess
import sys
from pathlib import Path

script = Path(sys.executable).parent / "bin-sibling-cli"
out = subprocess.run([script], check=True, capture_output=True, text=True).stdout
assert out == "answer: 42\n", out
print("workspace-bin-sibling OK")
