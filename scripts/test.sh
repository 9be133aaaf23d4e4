#!/usr/bin/env bash
# Installs everything and runs every test: UI type checks (warnings fail
# too) and unit tests, formatting and lints (clippy), core and CLI
# tests against real SQLite files (unit, integration, property, crash
# durability), the sync tests against a real upstream on PostgreSQL, and the
# real-window tests under Xvfb. Each step says how long it took.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh
T0=$SECONDS
step "installing" bash scripts/install.sh --tests
export PATH="$HOME/.cargo/bin:$PATH"
# One feature set for every build: custom-protocol embeds ui/dist in the app
# instead of loading the dev server. The demo builds with it too.
FEATURES=(--features tauri/custom-protocol)
# A test run builds everything once: incremental caches would only take disk
# (several GB). Set CARGO_INCREMENTAL=1 to keep them when iterating locally.
export CARGO_INCREMENTAL="${CARGO_INCREMENTAL:-0}"

disk() { echo "    disk: $(df -h --output=avail . | tail -1 | tr -d ' ') free, target/ $(du -sh target 2>/dev/null | cut -f1)"; }

# Every build (the app alone for the demo, one crate, the whole workspace
# with its tests) must compile each third-party crate with the same
# features, or cargo builds it twice. crates/till-workspace-hack pins them;
# this fails when a dependency change left it stale.
one_feature_set() {
  local app all
  app="$(mktemp)"
  all="$(mktemp)"
  cargo tree -p till-desktop -p till-cli "${FEATURES[@]}" -e normal,build -f '{p} [{f}]' --prefix none \
    | sed 's/ (\*)$//' | sort -u >"$app"
  cargo tree --workspace "${FEATURES[@]}" -e normal,build,dev -f '{p} [{f}]' --prefix none \
    | sed 's/ (\*)$//' | sort -u >"$all"
  local differ
  differ="$(comm -23 "$app" "$all")"
  rm -f "$app" "$all"
  if [ -n "$differ" ]; then
    echo "these crates would be built twice (app alone vs. tests):" >&2
    echo "$differ" >&2
    echo "run: cargo install cargo-hakari && cargo hakari generate" >&2
    return 1
  fi
}

ui() {
  npm --workspace ui run check
  npm --workspace ui run test
  npm --workspace ui run build --silent
}

window_tests() {
  xvfb-run -a --server-args="-screen 0 1280x900x24" \
    cargo test --workspace "${FEATURES[@]}" --test e2e -- --ignored --test-threads=1
}

# The .deb and signed updates (tests/package.rs): debug packages of versions
# N and N+1 (each rebuilds only the app crate: the config differs), installed
# with apt-get and driven in a real window. They install system packages, so
# they need root; CI runs as root.
package_tests() {
  if [ "$(id -u)" -ne 0 ]; then
    echo "    SKIPPED: the package and update tests install packages and need root; run the test command as root to include them"
    return 0
  fi
  xvfb-run -a --server-args="-screen 0 1280x900x24" \
    cargo test --workspace "${FEATURES[@]}" --test package -- --ignored --test-threads=1 --nocapture
}

disk
step "one feature set for every build" one_feature_set
step "UI: type check, unit tests and build" ui
# Libraries, binaries, tests and benchmarks, once; the steps below only run.
step "building everything" cargo build --workspace --all-targets "${FEATURES[@]}"
step "formatting (cargo fmt --check)" cargo fmt --check
# Clippy checks rather than builds, so most of its artifacts are its own:
# it costs a check of the crates on top of the build above.
step "lints (clippy, warnings are errors)" \
  cargo clippy --workspace --all-targets "${FEATURES[@]}" -- -D warnings
disk
step "tests: core, CLI, sync, property and crash durability" cargo test --workspace "${FEATURES[@]}"
disk
step "tests: real window (Xvfb + tauri-driver + WebKitWebDriver)" window_tests
# After the window tests: the packages' builds leave target/debug/till-desktop
# built with the test config.
step "tests: the .deb and signed updates (apt-get, Xvfb, a local update server)" package_tests
disk
echo "==> all tests passed in $((SECONDS - T0)) s"
