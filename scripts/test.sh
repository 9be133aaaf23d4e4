#!/usr/bin/env bash
# Installs everything and runs every test: UI type checks, core and CLI
# tests against real SQLite files (unit, integration, property, crash
# durability) and the real-window end-to-end test under Xvfb.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh
export PATH="$HOME/.cargo/bin:$PATH"
# One feature set for every build, so cargo never rebuilds Tauri between steps:
# custom-protocol embeds ui/dist in the app instead of loading the dev server.
FEATURES=(--features tauri/custom-protocol)
# A test run builds everything once: incremental caches would only take disk
# (several GB). Set CARGO_INCREMENTAL=1 to keep them when iterating locally.
export CARGO_INCREMENTAL="${CARGO_INCREMENTAL:-0}"

disk() { echo "    disk: $(df -h --output=avail . | tail -1 | tr -d ' ') free, target/ $(du -sh target 2>/dev/null | cut -f1)"; }
disk

echo "==> UI: type check and build"
npm --workspace ui run check
npm --workspace ui run build --silent

echo "==> building"
cargo build --workspace "${FEATURES[@]}"
cargo check -p till-core --benches --quiet

disk
echo "==> tests: core, CLI, property and crash durability"
cargo test --workspace "${FEATURES[@]}"

disk
echo "==> tests: real window (Xvfb + tauri-driver + WebKitWebDriver)"
xvfb-run -a --server-args="-screen 0 1280x900x24" \
  cargo test "${FEATURES[@]}" -p till-desktop --test e2e -- --ignored --test-threads=1
