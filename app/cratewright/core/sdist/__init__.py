"""sdist stage."""
