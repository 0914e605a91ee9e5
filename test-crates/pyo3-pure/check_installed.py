"""Check the installed pyo3-pure wheel: import the extension and call it."""

import pyo3_pure

assert pyo3_pure.add(2, 3) == 5, pyo3_pure.add(2, 3)
assert pyo3_pure.greet("crate") == "Hello, crate!"
print("pyo3-pure OK")
