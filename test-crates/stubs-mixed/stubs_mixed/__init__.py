"""A Python package around the native ``_core`` module."""

from stubs_mixed._core import Shape, Square, area_sum, io

__all__ = ["Shape", "Square", "area_sum", "describe", "io"]


def describe(shape: Shape) -> str:
    """A sentence about ``shape``, written in Python."""
    return f"{shape.name} with area {shape.area()}"
