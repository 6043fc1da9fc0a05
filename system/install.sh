#!/usr/bin/env bash
# Installs the Debian packages of system/packages.txt and the Fandol fonts, only what is missing.
# Idempotent and quick when everything is there; used by `make` and by the Dockerfile.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"

mapfile -t wanted < <(grep -Ev '^\s*(#|$)' "$here/packages.txt")
missing=()
for pkg in "${wanted[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "安装系统软件包 (installing): ${missing[*]}"
  $sudo apt-get update -q
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

# FandolFang/FandolKai: Debian ships them only inside texlive-lang-chinese; take just the .otf files.
fandol_dir=/usr/local/share/fonts/fandol
if ! ls "$fandol_dir"/FandolFang-Regular.otf >/dev/null 2>&1; then
  echo "安装 Fandol 字体 (installing Fandol fonts)"
  tmp="$(mktemp -d)"
  (cd "$tmp" && apt-get download texlive-lang-chinese >/dev/null 2>&1 || { $sudo apt-get update -q && apt-get download texlive-lang-chinese; })
  $sudo mkdir -p "$fandol_dir"
  dpkg-deb --fsys-tarfile "$tmp"/texlive-lang-chinese_*.deb \
    | $sudo tar -x -C "$fandol_dir" --strip-components=9 --wildcards \
      './usr/share/texlive/texmf-dist/fonts/opentype/public/fandol/Fandol[FHKS]*.otf'
  rm -rf "$tmp"
  fc_refresh=1
fi

# Font-name mapping (仿宋_GB2312 → FandolFang …) shipped in the repository.
conf_src="$here/fontconfig/65-docgen-official-fonts.conf"
conf_dst=/etc/fonts/conf.d/65-docgen-official-fonts.conf
if [ -f "$conf_src" ] && ! cmp -s "$conf_src" "$conf_dst"; then
  $sudo install -m 0644 "$conf_src" "$conf_dst"
  fc_refresh=1
fi
if [ "${fc_refresh:-0}" = 1 ]; then
  $sudo fc-cache -f >/dev/null
fi
