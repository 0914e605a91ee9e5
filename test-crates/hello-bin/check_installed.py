"""Check the installed hello-bin wheel: run the binary from the venv's bin directory."""

import subprocess
import sys
from pathlib import Path

script = Path(sys.executable).parent / "hello-bin"
out = subprocess.run([script, "wheel"], check=True, capture_output=True, text=True).stdout
assert out == "Hello, wheel!\n", out
print("hello-bin OK")
