"""compile-error never produces a wheel; if it somehow did, importing it must not work."""

import sys

try:
    import compile_error  # noqa: F401
except ImportError:
    print("compile-error: not installed, as expected")
    sys.exit(0)
sys.exit("compile-error was importable, but this crate must fail to compile")
