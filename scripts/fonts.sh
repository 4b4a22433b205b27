#!/usr/bin/env bash
# Make sure a Korean font is installed: the simulated cameras draw plates and burnt-in
# text in Hangul (safenet.sim.snapshot), and nothing is downloaded at run time. Uses
# Debian's fonts-nanum package. Idempotent.
set -euo pipefail

have_font() { fc-list :lang=ko 2>/dev/null | grep -q . || ls /usr/share/fonts/truetype/nanum/*.ttf >/dev/null 2>&1; }

if have_font; then
  echo "fonts: a Korean font is installed"
  exit 0
fi
if [ "$(id -u)" != 0 ]; then
  echo "fonts: no Korean font; install one (as root: apt-get install -y fonts-nanum) or set SAFENET_SIM__SNAPSHOT_FONT" >&2
  exit 1
fi
echo "fonts: installing a Korean font (fonts-nanum) from Debian's packages"
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-nanum >/dev/null
echo "fonts: fonts-nanum installed"
