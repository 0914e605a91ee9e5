"""Mixed package: Rust functions from ``._native`` plus pure-Python helpers."""

from ._native import multiply, native_language

__all__ = ["hello", "main", "multiply", "native_language", "square"]


def square(x: int) -> int:
    """Square ``x`` through the native ``multiply``."""
    return multiply(x, x)


def hello() -> str:
    """Return a greeting that names the native language."""
    return f"Hello from Python and {native_language()}!"


def main() -> None:
    """Console-script entry point (``pyo3-mixed-hello``)."""
    print(hello())
