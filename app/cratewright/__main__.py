"""``python -m cratewright`` runs the command line (``gui`` straight to the desktop app)."""

from cratewright.launch import main

raise SystemExit(main())
