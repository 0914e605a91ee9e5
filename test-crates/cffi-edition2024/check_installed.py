"""Check the installed cffi-edition2024 wheel: both unsafe-attribute functions reach Python."""

import cffi_edition2024

pair = cffi_edition2024.ffi.new("Pair *", {"a": 40, "b": 2})
assert cffi_edition2024.lib.pair_sum(pair[0]) == 42
assert cffi_edition2024.lib.scale_by(2.0, 3.5) == 7.0
print("cffi-edition2024 OK")
