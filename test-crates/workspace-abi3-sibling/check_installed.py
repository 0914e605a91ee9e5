"""Check the installed abi3-sibling-extension wheel: a version-specific module that imports."""

import sysconfig
from pathlib import Path

import abi3_sibling_extension

assert abi3_sibling_extension.mul(6, 7) == 42
suffix = sysconfig.get_config_var("EXT_SUFFIX")
files = [p.name for p in Path(abi3_sibling_extension.__file__).parent.iterdir()]
assert f"abi3_sibling_extension{suffix}" in files, files
print("workspace-abi3-sibling OK")
