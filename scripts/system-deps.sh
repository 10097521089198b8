#!/usr/bin/env bash
# Installs the Debian packages Qt and the tests need, when they are missing.
# As root it uses apt-get; otherwise it prints the command to run with sudo.
set -euo pipefail
packages=(python3-venv libegl1 libgl1 libxkbcommon0 libxkbcommon-x11-0 libfontconfig1 libdbus-1-3
          libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-image0 libxcb-render-util0 libxcb-shape0
          libxcb-xkb1 fonts-ipaexfont-gothic
          # the X-server smoke test (tests/ui/test_x11_smoke.py): a real X server and real input events
          xvfb xdotool)
if [[ "${1:-}" == "bench" ]]; then
    # peers of the benchmarks; xvfb, evince and mupdf for start-up on a screen (issue #16)
    packages+=(mupdf-tools poppler-utils pdfgrep xvfb evince mupdf dbus)
fi
missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# python3-venv is only needed when the interpreter lacks ensurepip.
if python3 -c 'import ensurepip' 2>/dev/null; then
    missing=("${missing[@]/python3-venv}")
fi
read -r -a missing <<< "${missing[*]:-}"
[[ ${#missing[@]} -eq 0 ]] && exit 0
if ! command -v apt-get >/dev/null; then
    echo "system-deps: not a Debian system; please install the equivalents of: ${missing[*]}" >&2
    exit 0
fi
if [[ $(id -u) -ne 0 ]]; then
    echo "system-deps: missing packages: ${missing[*]}" >&2
    echo "system-deps: run: sudo apt-get install -y ${missing[*]}" >&2
    exit 1
fi
echo "system-deps: installing ${missing[*]}"
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
