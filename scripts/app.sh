#!/usr/bin/env bash
# Sets up (scripts/setup.sh) and launches the cratewright desktop app on a project
# (default: test-crates/pyo3-mixed). Without a display it runs the window under Xvfb.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export PATH="$PWD/.venv/bin:$HOME/.cargo/bin:$PATH"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$PWD/target}"
project=${1:-test-crates/pyo3-mixed}
shift || true
if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
    echo "app: no display found; running the window under Xvfb (xvfb-run)" >&2
    exec xvfb-run -a -s "-screen 0 1280x800x24" .venv/bin/cratewright gui "$project" "$@"
fi
exec .venv/bin/cratewright gui "$project" "$@"
