#!/usr/bin/env bash
# Installs the Debian packages kechuang needs when they are missing: CJK fonts (pages, charts,
# PDF), chromium (browser tests), LibreOffice Writer and Calc (bulletin PDF, previews of Word/Excel evidence) and
# poppler (PDF checks in tests).
# Also installs the fontconfig aliases that map the official 公文 font names to installed fonts.
set -euo pipefail
cd "$(dirname "$0")/.."
# `system-deps.sh run` installs only what serving needs (CJK fonts for charts and PDFs, LibreOffice for
# bulletin PDFs, poppler for PDF plan documents); the default adds what the tests need (chromium).
PACKAGES=(fonts-noto-cjk fonts-arphic-gbsn00lp fonts-arphic-gkai00mp libreoffice-writer-nogui libreoffice-calc-nogui poppler-utils)
[ "${1:-test}" = "run" ] || PACKAGES+=(chromium)
missing=()
for pkg in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "Installing system packages: ${missing[*]}"
  SUDO=""
  if [ "$(id -u)" != 0 ]; then
    if command -v sudo >/dev/null; then SUDO="sudo"; else
      echo "Missing packages ${missing[*]} and not root: install them with apt-get." >&2; exit 1; fi
  fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
conf=kechuang/documents/fonts/65-kechuang-fonts.conf
if [ -f "$conf" ] && [ -d /etc/fonts/conf.d ] && ! cmp -s "$conf" /etc/fonts/conf.d/65-kechuang-fonts.conf; then
  if [ "$(id -u)" = 0 ]; then cp "$conf" /etc/fonts/conf.d/65-kechuang-fonts.conf && fc-cache -f >/dev/null 2>&1 || true
  elif command -v sudo >/dev/null; then sudo cp "$conf" /etc/fonts/conf.d/65-kechuang-fonts.conf && sudo fc-cache -f >/dev/null 2>&1 || true; fi
fi
