"""Check the installed uniffi-pure wheel: call the uniffi-generated Python bindings."""

import uniffi_pure

assert uniffi_pure.add(2, 40) == 42
assert uniffi_pure.hello("uniffi") == "Hello, uniffi!"
print("uniffi-pure OK")
