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
# As scripts/test.sh builds, so that neither rebuilds the other's crates.
export CARGO_INCREMENTAL="${CARGO_INCREMENTAL:-0}"

step "building the UI" npm --workspace ui run build --silent
step "building the app and the till command" \
  cargo build --features tauri/custom-protocol -p till-desktop -p till-cli -p till-license

# Till's one default store, as `till store path` says ($TILL_DB, else
# till/till.db in the user's data folder). The app and `till` without --db
# both open it, so after the demo `till order list` shows the app's shop.
DB="$(./target/debug/till store path)"
if [ ! -e "$DB" ]; then
  # A Pro license for the demo's coffee club, signed with the test key that
  # debug builds (this one) trust and release builds do not.
  LICENSE="$(mktemp)"
  ./target/debug/till-license sign --key tests/support/license-test-key --key-id test \
    --tier pro --issued-to "Till Demo Café" --out "$LICENSE"
  step "creating the demo store at $DB" ./target/debug/till --db "$DB" init --demo --license "$LICENSE"
  rm -f "$LICENSE"
else
  echo "==> $DB exists: opening it as it is (move it away for a new demo)"
fi

echo "==> starting Till on $DB ($((SECONDS - T0)) s after the start)"
export TILL_DB="$DB"
if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
  echo "(no display found: running inside a virtual X server)"
  exec xvfb-run -a ./target/debug/till-desktop
fi
exec ./target/debug/till-desktop
