"""Check the installed sdist-split-workspace wheel: the pyo3 member calls into helper."""

from importlib.metadata import version

import sdist_split_workspace

assert sdist_split_workspace.triangle(10) == 55
assert version("sdist-split-workspace") == "0.5.0", version("sdist-split-workspace")
print("sdist-split-workspace OK")
