"""cargo stage."""
