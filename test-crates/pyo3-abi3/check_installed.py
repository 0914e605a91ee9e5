"""Check the installed pyo3-abi3 wheel: the module is the abi3 build and works."""

import pyo3_abi3
import pyo3_abi3.pyo3_abi3 as native

assert native.__file__.endswith(".abi3.so"), native.__file__
assert pyo3_abi3.sum_list([1, 2, 3, 4]) == 10
print("pyo3-abi3 OK")
