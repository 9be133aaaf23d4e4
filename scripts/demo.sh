#!/usr/bin/env bash
# Installs what the app needs, builds it and opens it on the demo store (a
# café with a few weeks of history). The build is the one the tests use
# (debug, dependencies optimised, the UI embedded), so running the tests
# after the demo, or the demo after the tests, builds nothing twice.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh
T0=$SECONDS
step "installing" bash scripts/install.sh
export PATH="$HOME/.cargo/bin:$PATH"

step "building the UI" npm --workspace ui run build --silent
step "building the app and the till command" \
  cargo build --features tauri/custom-protocol -p till-desktop -p till-cli

DB="${TILL_DEMO_DB:-$HOME/.local/share/till/demo.db}"
if [ ! -f "$DB" ]; then
  step "creating the demo store at $DB" ./target/debug/till --db "$DB" init --demo
  ./target/debug/till --db "$DB" demo sales --count 120 --seed 42 >/dev/null
fi

echo "==> starting Till on $DB ($((SECONDS - T0)) s after the start)"
export TILL_DB="$DB"
if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
  echo "(no display found: running inside a virtual X server)"
  exec xvfb-run -a ./target/debug/till-desktop
fi
exec ./target/debug/till-desktop
