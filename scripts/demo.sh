#!/usr/bin/env bash
# Installs everything, builds Till and opens the desktop app on a local demo
# store (a café with a demo catalog and a few days of sales).
# The store is kept in $TILL_DEMO_DB (default: ~/.local/share/till/demo.db).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh
export PATH="$HOME/.cargo/bin:$PATH"

echo "==> building the UI and the app"
npm --workspace ui run build --silent
cargo build --release --features tauri/custom-protocol -p till-desktop -p till-cli

DB="${TILL_DEMO_DB:-$HOME/.local/share/till/demo.db}"
if [ ! -f "$DB" ]; then
  echo "==> creating the demo store at $DB"
  ./target/release/till --db "$DB" init --demo
  ./target/release/till --db "$DB" demo sales --count 120 --seed 42
fi

echo "==> starting Till on $DB"
export TILL_DB="$DB"
if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
  echo "(no display found: running inside a virtual X server)"
  exec xvfb-run -a ./target/release/till-desktop
fi
exec ./target/release/till-desktop
