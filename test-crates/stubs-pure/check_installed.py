"""Check the installed stubs-pure wheel: import the extension, its submodule and the stubs."""

import importlib.resources

import stubs_pure
from stubs_pure import text

assert stubs_pure.greet("crate", 2, sep="/") == "Hello, crate!/Hello, crate!"
assert stubs_pure.total(1, 2, 3, scale=2.0) == 12.0
assert stubs_pure.Point(3.0, 4.0).distance() == 5.0
assert text.shout("hi") == "HI!"
assert text.WordCounter().feed("a b c") == 3
files = importlib.resources.files("stubs_pure")
assert (files / "__init__.pyi").is_file() and (files / "py.typed").is_file()
print("stubs-pure OK")
