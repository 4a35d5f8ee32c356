#!/usr/bin/env bash
# The integration and e2e tests drive real Chromium, real Firefox (the guest page's other engine) and,
# for TURN and scale-out, real coturn and Redis; the unit tests need none of them.
# None is on a fresh machine and none can be downloaded by npm: they come from Debian.
set -euo pipefail

missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v firefox-esr >/dev/null 2>&1 || missing+=(firefox-esr)
command -v turnserver >/dev/null 2>&1 || missing+=(coturn)
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing ${missing[*]} from Debian's packages (needed by the tests)..."
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  exit 0
fi

echo "The tests need these system packages: ${missing[*]}." >&2
echo "Install them, then run the tests again:  sudo apt-get install -y ${missing[*]}" >&2
exit 1
