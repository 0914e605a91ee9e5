#!/usr/bin/env bash
# Sets up (scripts/setup.sh) and launches cratewright on a project (default: test-crates/pyo3-pure).
# Until the desktop window exists this builds the project's wheels with the CLI.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export PATH="$PWD/.venv/bin:$HOME/.cargo/bin:$PATH"
project=${1:-test-crates/pyo3-pure}
exec .venv/bin/cratewright build -m "$project" -i .venv/bin/python -o dist/wheels
