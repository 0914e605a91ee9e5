#!/usr/bin/env bash
# Installs everything cratewright's app and test suite need on a Debian machine, idempotently:
# Debian packages (only the missing ones), a virtualenv in .venv with cratewright and its
# dev/gui extras, and a cbindgen new enough for edition 2024 (built with cargo into
# ~/.cargo/bin when none is found). Rust (cargo, rustc) must already be installed with rustup.
set -euo pipefail
cd "$(dirname "$0")/.."

# gnome-keyring + dbus-bin: a real Secret Service for the publish tests; xvfb: a display for
# the app when there is none; libsqlite3-dev: the audit test crate links a non-whitelisted
# library; the libxcb/libxkbcommon/libegl set is what PySide6 needs at run time, and the
# fonts draw text (and maturin-style emoji) in headless screenshots. Debian's cbindgen is too
# old for edition 2024 (a newer one is built below); the tests check it is recognised as such.
DEBIAN_PACKAGES=(python3-venv python3-dev gcc cbindgen pypy3 git gnome-keyring dbus-bin xvfb xauth
    libsqlite3-dev libegl1 libgl1 libfontconfig1 libdbus-1-3 libxkbcommon0 libxkbcommon-x11-0
    libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-shape0 libxcb-render-util0 libxcb-image0
    fonts-dejavu-core fonts-noto-color-emoji)

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

if command -v apt-get >/dev/null 2>&1; then
    missing=()
    for pkg in "${DEBIAN_PACKAGES[@]}"; do
        dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
    done
    if [ ${#missing[@]} -gt 0 ]; then
        echo "setup: installing Debian packages: ${missing[*]}"
        as_root apt-get update -qq
        DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq "${missing[@]}" >/dev/null
    fi
fi

if ! command -v cargo >/dev/null 2>&1 && [ -x "$HOME/.cargo/bin/cargo" ]; then
    export PATH="$HOME/.cargo/bin:$PATH"
fi
command -v cargo >/dev/null 2>&1 || {
    echo "setup: cargo not found; install Rust with rustup (https://rustup.rs) first" >&2
    exit 1
}

PYTHON=${PYTHON:-python3}
stamp=.venv/.cratewright-setup
want=$(cat pyproject.toml scripts/setup.sh | sha256sum | cut -d' ' -f1)
if [ ! -x .venv/bin/python ] || [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
    echo "setup: creating .venv with $($PYTHON --version)"
    "$PYTHON" -m venv .venv
    .venv/bin/python -m pip install -q --disable-pip-version-check -U pip
    .venv/bin/python -m pip install -q --disable-pip-version-check -e '.[dev,gui]'
    echo "$want" > "$stamp"
fi

# cffi builds need cbindgen >= cratewright's MIN_CBINDGEN (edition 2024's #[unsafe(no_mangle)]);
# Debian 12's package (0.24.3) is older. The check is the app's own lookup, so it is quick when
# a good one is already on PATH or in ~/.cargo/bin; otherwise cargo builds one there.
if ! .venv/bin/python -c "from cratewright.core.build.cbindgen import find_cbindgen; find_cbindgen()" \
        >/dev/null 2>&1; then
    echo "setup: installing a recent cbindgen (cargo install cbindgen --locked, into ~/.cargo/bin)"
    env -u CARGO_TARGET_DIR cargo install cbindgen --locked --quiet
    .venv/bin/python -c "from cratewright.core.build.cbindgen import find_cbindgen; print('setup: using', find_cbindgen().path)"
fi
