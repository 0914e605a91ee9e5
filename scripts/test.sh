#!/usr/bin/env bash
# Runs the whole test suite: sets up what it needs (scripts/setup.sh), lints, then pytest.
# All crates share one cargo target dir so that pyo3 and friends compile once per run.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export PATH="$PWD/.venv/bin:$HOME/.cargo/bin:$PATH"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$PWD/target}"
export QT_QPA_PLATFORM=offscreen
.venv/bin/ruff check app tests
.venv/bin/ruff format --check app tests
exec .venv/bin/python -m pytest "$@"
