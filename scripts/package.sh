#!/usr/bin/env bash
# Builds Till's Debian package: target/release/bundle/deb/Till_<version>_amd64.deb
# (the Tauri CLI builds the app with the UI embedded, then bundles it), and,
# when TAURI_SIGNING_PRIVATE_KEY is set (the key itself or its file), the
# updater's signature beside it (.deb.sig). Checks what the package holds
# (the binary, the menu entry, the icons), prints paths and sizes, and fails
# when the .deb is 10 MiB or more.
#
#   package.sh                        the release package (what ships)
#   package.sh --debug [-c JSON]...   a debug package from the debug build the
#                                     tests made (quick; not size-checked),
#                                     with `tauri build` config overrides
#
# README "Releases" says how a release is signed and published.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh
export PATH="$HOME/.cargo/bin:$PATH"

profile=release
args=(build --ci --bundles deb)
if [ "${1:-}" = "--debug" ]; then
  profile=debug
  args+=(--debug)
  shift
fi
args+=("$@")
if [ -n "${TAURI_SIGNING_PRIVATE_KEY:-}" ]; then
  # The updater artifact of a .deb is the .deb itself, signed; `tauri build`
  # binds the signature to the version it builds.
  args+=(--config '{"bundle":{"createUpdaterArtifacts":true}}')
  export TAURI_SIGNING_PRIVATE_KEY_PASSWORD="${TAURI_SIGNING_PRIVATE_KEY_PASSWORD:-}"
fi

# The version being built: the last override that sets one, else tauri.conf.json's.
version="$(node -e '
  let v = require("./tauri.conf.json").version;
  for (const a of process.argv.slice(1)) {
    try { const c = JSON.parse(a); if (c.version) v = c.version; } catch {}
  }
  console.log(v);
' -- "$@")"
dir="target/$profile/bundle/deb"
deb="$dir/Till_${version}_amd64.deb"
rm -f "$deb" "$deb.sig"

# `-p till-desktop`: the CLI runs cargo at the workspace root, which would
# build every member's binaries too (and hand the benchmark's minimal app
# this build's config overrides).
step "building the $profile .deb (Till $version)" npx tauri "${args[@]}" -- -p till-desktop

[ -f "$deb" ] || { echo "package.sh: $deb was not built" >&2; exit 1; }
if [ -n "${TAURI_SIGNING_PRIVATE_KEY:-}" ] && [ ! -f "$deb.sig" ]; then
  echo "package.sh: a signing key was given but $deb.sig was not written" >&2
  exit 1
fi

# What the package must hold. The binary is `till-desktop`: `till` is the
# command line's name, and a machine may have both.
fail() { echo "package.sh: $deb: $*" >&2; exit 1; }
files="$(dpkg-deb -c "$deb" | awk '{sub(/^\.\//, "", $6); print $6}')"
for f in usr/bin/till-desktop usr/share/applications/Till.desktop \
  usr/share/icons/hicolor/32x32/apps/till-desktop.png \
  usr/share/icons/hicolor/128x128/apps/till-desktop.png; do
  grep -qxF "$f" <<<"$files" || fail "has no /$f"
done
entry="$(dpkg-deb --fsys-tarfile "$deb" | tar -xOf - usr/share/applications/Till.desktop)"
for line in "Name=Till" "Exec=till-desktop" "Icon=till-desktop" "Type=Application"; do
  grep -qxF "$line" <<<"$entry" || fail "its menu entry lacks $line"
done
grep -q '^Categories=.*Office' <<<"$entry" || fail "its menu entry is not in the Office menu"
[ "$(dpkg-deb -f "$deb" Package)" = till ] || fail "the package is not named till"
[ "$(dpkg-deb -f "$deb" Version)" = "$version" ] || fail "the package's version is not $version"

bytes="$(stat -c %s "$deb")"
echo "    $deb: $bytes bytes ($((bytes / 1024)) KiB)"
[ -f "$deb.sig" ] && echo "    $deb.sig: $(stat -c %s "$deb.sig") bytes"
if [ "$profile" = release ] && [ "$bytes" -ge $((10 * 1024 * 1024)) ]; then
  echo "package.sh: $deb is $bytes bytes: over the 10 MiB budget" >&2
  exit 1
fi
