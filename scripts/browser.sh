#!/usr/bin/env bash
# Make sure the system Chromium that the browser tests drive (through Playwright) is
# installed. Playwright's own browser download does not work on a closed network, so
# we use Debian's chromium package. Idempotent.
set -euo pipefail

if command -v chromium >/dev/null 2>&1; then
  echo "browser: $(chromium --version 2>/dev/null | head -n 1)"
  exit 0
fi
if [ "$(id -u)" != 0 ]; then
  echo "browser: chromium is missing; install it (as root: apt-get install -y chromium) and run again" >&2
  exit 1
fi
echo "browser: installing chromium from Debian's packages"
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
echo "browser: $(chromium --version 2>/dev/null | head -n 1)"
