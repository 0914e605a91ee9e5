"""develop stage."""
