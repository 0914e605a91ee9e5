"""Check the installed stubs-python-source wheel: the package, the native module and its stubs."""

import importlib.resources

import stubs_pysrc

assert stubs_pysrc.mix(stubs_pysrc.Color.Red) == (stubs_pysrc.Color.Red, 0.5)
assert stubs_pysrc.mix(stubs_pysrc.Color.Red, ratio=0.25) == (stubs_pysrc.Color.Blue, 0.25)
timer = stubs_pysrc.Timer(label="t")
assert timer.tick(3) == 2
assert stubs_pysrc.units.convert(2.0) == 2000.0
stubs = importlib.resources.files("stubs_pysrc") / "_native"
assert (stubs / "__init__.pyi").is_file() and (stubs / "units.pyi").is_file()
print("stubs-python-source OK")
