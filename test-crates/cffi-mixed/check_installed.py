"""Check the installed cffi-mixed wheel: Python module over the native cffi library."""

import cffi_mixed
from cffi_mixed.line import Line

assert cffi_mixed.lib.gcd(12, 18) == 6
assert Line(2.0, 1.0).at(3.0) == 7.0
assert cffi_mixed.reduce_fraction(12, 18) == (2, 3)
print("cffi-mixed OK")
