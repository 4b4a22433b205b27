#!/usr/bin/env bash
# Make sure the system Chromium that the browser tests drive (through Playwright) is
# installed. Playwright's own browser download does not work on a closed network, so
# we use Debian's chromium package. Idempotent.
set -euo pipefail

have_font() { fc-list 2>/dev/null | grep -qi nanum; }

if command -v chromium >/dev/null 2>&1 && have_font; then
  echo "browser: $(chromium --version 2>/dev/null | head -n 1)"
  exit 0
fi
if [ "$(id -u)" != 0 ]; then
  echo "browser: chromium or a Korean font is missing; install them (as root: apt-get install -y chromium fonts-nanum) and run again" >&2
  exit 1
fi
echo "browser: installing chromium and a Korean font (for screenshots) from Debian's packages"
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-nanum >/dev/null
echo "browser: $(chromium --version 2>/dev/null | head -n 1)"
