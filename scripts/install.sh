#!/usr/bin/env bash
# Installs everything Till needs to build, run and test on Debian/Ubuntu:
# system packages, the npm packages of the UI and tauri-driver.
# Safe to run again; it only adds what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

PACKAGES=(
  build-essential pkg-config curl file
  libwebkit2gtk-4.1-dev libssl-dev libayatana-appindicator3-dev librsvg2-dev libxdo-dev
  xvfb xauth webkit2gtk-driver
  postgresql python3 python3-venv python3-pip
)
missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "==> installing system packages: ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

if ! command -v cargo >/dev/null 2>&1; then
  echo "==> installing the Rust toolchain"
  if DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq rustup 2>/dev/null; then
    rustup default stable
  else
    echo "Rust is missing and this system has no rustup package: install Rust from rustup.rs, then run this again." >&2
    exit 1
  fi
fi
if ! command -v npm >/dev/null 2>&1; then
  echo "==> installing Node.js"
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq nodejs npm
fi

echo "==> installing npm packages"
npm ci --no-audit --no-fund --loglevel=error

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
