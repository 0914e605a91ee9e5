#!/usr/bin/env bash
# Sets up (scripts/setup.sh) and launches the cratewright desktop app on a project
# (default: test-crates/pyo3-mixed).
#
# Without a display there is nowhere to show the window: it refuses with a hint (render the
# pages with --screenshot instead), unless APP_XVFB=1 asks for a virtual X display, in which
# case it says which display the window is on and how to stop it.
set -euo pipefail
cd "$(dirname "$0")/.."
project=${1:-test-crates/pyo3-mixed}
shift || true
headless=0
if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
    headless=1
    if [ "${APP_XVFB:-}" != 1 ]; then
        {
            echo "app: no display (DISPLAY and WAYLAND_DISPLAY are unset): the window would open where nobody can see it."
            echo "  hint: render every page to PNG files instead:"
            echo "        .venv/bin/cratewright gui $project --screenshot /tmp/cratewright-shots"
            echo "  hint: or run it in a virtual X display anyway (Xvfb):"
            echo "        APP_XVFB=1 bash scripts/app.sh $project"
        } >&2
        exit 1
    fi
    if ! command -v xvfb-run >/dev/null; then
        echo "app: APP_XVFB=1 needs xvfb-run (apt-get install xvfb)" >&2
        exit 1
    fi
fi
bash scripts/setup.sh
export PATH="$PWD/.venv/bin:$HOME/.cargo/bin:$PATH"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$PWD/target}"
if [ "$headless" = 0 ]; then
    exec .venv/bin/cratewright gui "$project" "$@"
fi
number=99
while [ -e "/tmp/.X$number-lock" ] || [ -e "/tmp/.X11-unix/X$number" ]; do
    number=$((number + 1))
done
xvfb-run -n "$number" -s "-screen 0 1280x800x24" .venv/bin/cratewright gui "$project" "$@" &
pid=$!
trap 'kill "$pid" 2>/dev/null || true' INT TERM
{
    echo "app: the window runs inside the virtual X display :$number (Xvfb, 1280x800); no screen shows it."
    echo "  look at it with a VNC server on that display (e.g. x11vnc -display :$number), or"
    echo "  take screenshots instead: .venv/bin/cratewright gui $project --screenshot DIR"
    echo "  stop it with Ctrl+C, or: kill $pid"
} >&2
wait "$pid"
