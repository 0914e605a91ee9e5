#!/usr/bin/env bash
# Installs the cratewright desktop app for the current user from this checkout:
#   a private virtualenv   $CRATEWRIGHT_HOME           (default ~/.local/share/cratewright)
#   launchers              $BIN_DIR/cratewright, cratewright-gui (default ~/.local/bin)
#   menu entry and icon    $XDG_DATA_HOME/applications, $XDG_DATA_HOME/icons/hicolor/scalable/apps
# Re-running it upgrades in place; `install-desktop.sh --uninstall` removes all of it.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
data_home="${XDG_DATA_HOME:-$HOME/.local/share}"
app_home="${CRATEWRIGHT_HOME:-$data_home/cratewright}"
bin_dir="${BIN_DIR:-$HOME/.local/bin}"
apps_dir="$data_home/applications"
icons_dir="$data_home/icons/hicolor/scalable/apps"

if [ "${1:-}" = "--uninstall" ]; then
    rm -rf "$app_home" "$bin_dir/cratewright" "$bin_dir/cratewright-gui" \
        "$apps_dir/cratewright.desktop" "$icons_dir/cratewright.svg"
    echo "cratewright removed"
    exit 0
fi

python="${PYTHON:-python3}"
"$python" -c 'import sys; sys.exit(sys.version_info < (3, 11))' || {
    echo "install: cratewright needs Python 3.11 or newer ($python is older)" >&2
    exit 1
}
"$python" -m venv "$app_home/venv"
"$app_home/venv/bin/python" -m pip install -q --disable-pip-version-check -U pip
"$app_home/venv/bin/python" -m pip install -q --disable-pip-version-check "$repo[gui]"

mkdir -p "$bin_dir" "$apps_dir" "$icons_dir"
ln -sf "$app_home/venv/bin/cratewright" "$bin_dir/cratewright"
ln -sf "$app_home/venv/bin/cratewright-gui" "$bin_dir/cratewright-gui"
install -m 644 "$repo/resources/icons/cratewright.svg" "$icons_dir/cratewright.svg"
sed "s|^Exec=cratewright-gui|Exec=$bin_dir/cratewright-gui|" \
    "$repo/resources/cratewright.desktop" > "$apps_dir/cratewright.desktop.tmp"
mv "$apps_dir/cratewright.desktop.tmp" "$apps_dir/cratewright.desktop"
command -v update-desktop-database >/dev/null 2>&1 && update-desktop-database -q "$apps_dir" || true
echo "cratewright installed: $bin_dir/cratewright-gui (menu entry: $apps_dir/cratewright.desktop)"
