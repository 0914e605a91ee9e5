"""cratewright: build Rust crates into Python wheels, from a desktop app, a CLI or PEP 517."""

__version__ = "0.1.0"

__all__ = ["__version__"]
