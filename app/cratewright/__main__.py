"""``python -m cratewright`` runs the command line."""

from cratewright.cli import main

raise SystemExit(main())
