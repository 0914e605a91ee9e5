"""Mixed cffi package: the native library lives in the ``cffi_mixed.cffi_mixed`` subpackage."""

from .cffi_mixed import ffi, lib
from .line import Line, reduce_fraction

__all__ = ["Line", "ffi", "lib", "reduce_fraction"]
