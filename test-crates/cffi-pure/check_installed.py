"""Check the installed cffi-pure wheel: call the C functions through cffi."""

import cffi_pure

assert cffi_pure.lib.add(40, 2) == 42
point = cffi_pure.ffi.new("Point *", {"x": 3.0, "y": 4.0})
assert cffi_pure.lib.norm_squared(point[0]) == 25.0
print("cffi-pure OK")
