#!/usr/bin/env bash
# The integration and e2e tests drive real Chromium, real Firefox (the guest page's other engine) and,
# for TURN and scale-out, real coturn and Redis, and make a self-signed certificate with openssl for
# direct TLS, and build NATs for the calls across them with iptables and iproute2 (network namespaces);
# the unit tests need none of them.
# A fresh machine may lack any of them, and npm cannot download them: they come from Debian.
set -euo pipefail

missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v firefox-esr >/dev/null 2>&1 || missing+=(firefox-esr)
command -v turnserver >/dev/null 2>&1 || missing+=(coturn)
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
command -v openssl >/dev/null 2>&1 || missing+=(openssl)
command -v iptables >/dev/null 2>&1 || missing+=(iptables)
command -v ip >/dev/null 2>&1 || missing+=(iproute2)
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
