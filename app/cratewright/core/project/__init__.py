"""project stage."""
