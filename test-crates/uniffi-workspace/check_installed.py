"""Check the installed uniffi-greeter wheel: call the bindings the workspace's bindgen made."""

import uniffi_greeter

assert uniffi_greeter.greet("workspace") == "Greetings, workspace!"
assert uniffi_greeter.length("naïve") == 5
print("uniffi-workspace OK")
