"""Check the installed workspace-py wheel: the pyo3 member calls into core-lib."""

from importlib.metadata import version

import workspace_py

assert workspace_py.fibonacci(10) == 55
assert workspace_py.fibonacci(90) == 2880067194370816120
assert version("workspace-py") == "0.3.0", version("workspace-py")
print("workspace OK")
