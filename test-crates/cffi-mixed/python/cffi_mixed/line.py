"""Pure-Python helpers built on the native library."""

from dataclasses import dataclass

from .cffi_mixed import lib


@dataclass(frozen=True)
class Line:
    """A straight line ``y = slope * x + intercept``."""

    slope: float
    intercept: float

    def at(self, x: float) -> float:
        """Evaluate the line at ``x`` (the arithmetic happens in Rust)."""
        return lib.line_value(self.slope, self.intercept, x)


def reduce_fraction(numerator: int, denominator: int) -> tuple[int, int]:
    """Reduce a fraction of non-negative integers with the native ``gcd``."""
    divisor = lib.gcd(numerator, denominator) or 1
    return numerator // divisor, denominator // divisor
