//! A workspace member the Python package does not need; it stays out of the sdist.
