#!/usr/bin/env bash
# Installs what Till needs on Debian/Ubuntu, from the package registries:
#   install.sh         to build and run the app (system packages, the UI's
#                      npm packages);
#   install.sh --tests also to test it (PostgreSQL, Python reference
#                      packages, the WebDriver bridge for the window tests).
# Safe to run again; it only adds what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."
TESTS=false
if [ "${1:-}" = "--tests" ]; then TESTS=true; fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

PACKAGES=(
  build-essential pkg-config curl file
  libwebkit2gtk-4.1-dev libssl-dev libayatana-appindicator3-dev librsvg2-dev libxdo-dev
  xvfb xauth
)
if $TESTS; then
  # xdotool: benches/startup.py types into the window. dbus-daemon: the
  # window tests' own session bus (one app per store file). sudo: the
  # updater installs a .deb through pkexec or sudo, and the update test runs
  # as root with no graphical prompt, so sudo it is.
  # poppler-utils: pdftotext, pdfinfo and pdffonts read the PDF receipts
  # back in the tests.
  PACKAGES+=(webkit2gtk-driver postgresql python3 python3-venv python3-pip xdotool dbus-daemon sudo poppler-utils)
fi
missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# apt's progress goes to a log; it is shown only when apt fails.
apt_quietly() {
  local log
  log="$(mktemp)"
  if ! DEBIAN_FRONTEND=noninteractive $SUDO "$@" >"$log" 2>&1; then
    tail -n 30 "$log" >&2
    rm -f "$log"
    echo "failed: $*" >&2
    return 1
  fi
  rm -f "$log"
}
if [ ${#missing[@]} -gt 0 ]; then
  echo "==> installing system packages: ${missing[*]}"
  apt_quietly apt-get update
  apt_quietly apt-get install -y --no-install-recommends "${missing[@]}"
fi

if ! command -v cargo >/dev/null 2>&1; then
  echo "==> installing the Rust toolchain"
  if apt_quietly apt-get install -y rustup; then
    rustup default stable
  else
    echo "Rust is missing and this system has no rustup package: install Rust from rustup.rs, then run this again." >&2
    exit 1
  fi
fi
if ! command -v npm >/dev/null 2>&1; then
  echo "==> installing Node.js"
  apt_quietly apt-get install -y nodejs npm
fi

echo "==> installing npm packages"
npm ci --no-audit --no-fund --loglevel=error

$TESTS || exit 0

echo "==> installing the tests' Python reference packages (target/pyvenv)"
if [ ! -x target/pyvenv/bin/python ]; then
  mkdir -p target
  python3 -m venv target/pyvenv
fi
target/pyvenv/bin/python -m pip install --quiet --disable-pip-version-check -r tests/requirements.txt

export PATH="$HOME/.cargo/bin:$PATH"
if ! command -v tauri-driver >/dev/null 2>&1; then
  echo "==> installing tauri-driver"
  cargo install tauri-driver --locked --quiet
fi
