#!/usr/bin/env bash
# PNG figures (kpi_api/web/figure_png.py) draw their text with the machine's fonts. The
# SVG asks for Arial's widths; Liberation Sans has them, so labels fit as laid out.
set -euo pipefail
if compgen -G "/usr/share/fonts/truetype/liberation/LiberationSans-*.ttf" >/dev/null; then
  exit 0
fi
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing Liberation fonts (Debian package) for the PNG figures…"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-liberation >/dev/null
else
  echo "PNG figures need a font: install Liberation Sans (e.g. 'sudo apt-get install fonts-liberation'), then run 'make test' again." >&2
  exit 1
fi
