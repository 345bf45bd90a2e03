#!/usr/bin/env bash
# System packages for the tray and its end-to-end tests on Debian/Ubuntu (needs root):
# a virtual X server and input, a notification server and client, an XEmbed tray host, a
# Secret Service for the history key, Tk for the overlay, GStreamer (the webcam backend the
# Linux bundle ships), and what PyGObject (pystray's GTK backend) builds against; xclip puts a
# picture on the X clipboard and tesseract reads the photo window's text, as a user would.
set -euo pipefail
packages=(
  xvfb xdotool x11-utils
  xclip tesseract-ocr
  dbus dunst libnotify-bin
  trayer
  gnome-keyring libsecret-tools
  python3-tk
  chromium
  gir1.2-gst-plugins-base-1.0 gstreamer1.0-plugins-base gstreamer1.0-plugins-good
  gir1.2-gtk-3.0 gir1.2-ayatanaappindicator3-0.1 libgirepository1.0-dev libcairo2-dev pkg-config libglib2.0-dev
)
command -v npm >/dev/null || packages+=(nodejs npm)  # for axe-core, below
missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
  sudo_cmd=""
  [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# axe-core (npm) for the accessibility check of the report and dashboard in Chromium.
(cd "$(dirname "$0")/../tests/support/axe" && npm ci --no-audit --no-fund --silent)
