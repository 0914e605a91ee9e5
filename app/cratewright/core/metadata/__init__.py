"""metadata stage."""
