"""Check the installed stubs-mixed wheel: the Python package, the native module and its stubs."""

import importlib.resources
import sys
from pathlib import Path

# The source package sits next to this script; import the installed one instead.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).parent.resolve()]

import stubs_mixed  # noqa: E402

codecs = stubs_mixed.io.codecs

square = stubs_mixed.Square(3.0)
assert square.area() == 9.0
assert stubs_mixed.area_sum([square, stubs_mixed.Shape()], 2.0) == 18.0
assert stubs_mixed.io.parse_point("7").x == 7
assert codecs.encode(5).text == "x=5"
assert codecs.encode_outline(stubs_mixed.io.parse_point("2"), square).text == "square:x=2"
assert stubs_mixed.describe(square) == "square with area 9.0"
stubs = importlib.resources.files("stubs_mixed") / "_core"
assert (stubs / "__init__.pyi").is_file() and (stubs / "io" / "codecs.pyi").is_file()
print("stubs-mixed OK")
