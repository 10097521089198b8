#!/usr/bin/env bash
# `make run` in a real X server (Xvfb) on a fresh profile, screenshot after a few seconds:
#   xvfb-run -a -s "-screen 0 1400x900x24" scripts/xvfb_make_run.sh docs/screenshots/first-start-no-keyring.png
# (needs Debian's xvfb and imagemagick). Without a keyring the first start asks for a passphrase.
set -euo pipefail
out="${1:-/tmp/make-run.png}"
profile="$(mktemp -d)"
cd "$(dirname "$0")/.."
PIA_REVIEWER_HOME="$profile" make run >/dev/null 2>&1 &
sleep "${WAIT_SECONDS:-9}"
import -window root "$out"
pkill -f "bin/pia-reviewer" || true
rm -rf "$profile"
echo "$out"
