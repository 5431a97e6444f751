#!/usr/bin/env bash
# The system packages the tests need, installed when missing (Debian; sudo when not root). Run by
# `npm test` (its pretest step) and by .ci/run, so a fresh Debian machine needs only the README's
# `npm ci && npm test`. When everything is there it only looks (no sudo, no network).
#
#   chromium         browser tests of the designer (test/e2e, /usr/bin/chromium)
#   redis-server     multi-instance tests (test/cluster)
#   mosquitto        MQTT connector tests
#   nats-server      NATS connector tests
#   rabbitmq-server  AMQP connector tests
#   openssl          TLS test certificates (test/security/tls.test.ts)
#
# The tests start their own servers on free loopback ports and never use a system service, so
# the services the packages start are stopped and disabled.
set -euo pipefail

PACKAGES=(chromium redis-server mosquitto nats-server rabbitmq-server openssl)
# Brokers whose packages start a system service the tests do not want running.
SERVICES=(mosquitto nats-server rabbitmq-server)

if ! command -v dpkg-query >/dev/null 2>&1; then
  # Not Debian: nothing can be installed from here; say what the tests will look for.
  missing=()
  for tool in /usr/bin/chromium /usr/bin/redis-server /usr/sbin/mosquitto /usr/sbin/nats-server /usr/lib/rabbitmq/bin/rabbitmq-server openssl; do
    if ! command -v "$tool" >/dev/null 2>&1; then missing+=("$tool"); fi
  done
  if [ "${#missing[@]}" -gt 0 ]; then
    echo "setup-system: not a Debian system; the tests that need these will fail: ${missing[*]}" >&2
  fi
  exit 0
fi

missing=()
for pkg in "${PACKAGES[@]}"; do
  if [ "$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)" != "install ok installed" ]; then missing+=("$pkg"); fi
done
if [ "${#missing[@]}" -eq 0 ]; then exit 0; fi

SUDO=()
if [ "$(id -u)" -ne 0 ]; then
  if ! command -v sudo >/dev/null 2>&1; then
    echo "setup-system: the tests need the Debian packages ${missing[*]}; install them as root (apt-get install ${missing[*]}), sudo is not available" >&2
    exit 1
  fi
  SUDO=(sudo)
fi
echo "setup-system: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
"${SUDO[@]}" apt-get update
"${SUDO[@]}" apt-get install -y "${missing[@]}"
if command -v systemctl >/dev/null 2>&1; then
  for unit in "${SERVICES[@]}"; do "${SUDO[@]}" systemctl disable --now "$unit" >/dev/null 2>&1 || true; done
fi
