"""Check the installed sdist-split-package wheel: import the extension and call it."""

from importlib.metadata import version

import sdist_split_package

assert sdist_split_package.mul(6, 7) == 42
assert version("sdist-split-package") == "0.2.0", version("sdist-split-package")
print("sdist-split-package OK")
