"""slow-build is only ever cancelled; it has nothing to check once installed."""

raise SystemExit("slow-build is a cancel-test fixture and is never meant to finish building")
