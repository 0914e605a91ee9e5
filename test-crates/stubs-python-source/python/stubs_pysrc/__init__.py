"""Python package whose native part, ``_native``, has generated stubs."""

from stubs_pysrc._native import Color, Timer, mix, units

__all__ = ["Color", "Timer", "mix", "units"]
