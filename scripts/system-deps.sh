#!/bin/sh
# The Debian packages `make run` / `make test` need, installed when missing.
# Usage: scripts/system-deps.sh run|test
#   As root on Debian: installs what is missing (apt-get update once, then install).
#   Otherwise: stops with the exact command to run. Returns at once when all is present.
set -eu

case "${1:-}" in
run | test) ;;
*)
    echo "usage: $0 run|test" >&2
    exit 2
    ;;
esac

# WeasyPrint's Pango and HarfBuzz, and a Chinese font: without it every Chinese glyph of the
# service report would be blank (the report refuses to render instead).
want="fonts-noto-cjk libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0"
if [ "$1" = test ]; then
    # chromium for tests/browser (libatomic1: Playwright's bundled node needs it), Dovecot for
    # the IMAP tests, msgfmt for the catalogue check.
    want="$want chromium libatomic1 dovecot-imapd gettext"
fi
# Debian's python3 has no venv/ensurepip without python3-venv; only needed to make .venv.
if [ ! -x .venv/bin/python ]; then
    want="python3-venv $want"
fi

if ! command -v dpkg-query >/dev/null 2>&1; then
    echo "system-deps: not a Debian system; make sure these (or their equivalents) are" \
        "installed: $want" >&2
    exit 0
fi

missing=""
for package in $want; do
    if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
        missing="$missing $package"
    fi
done
[ -z "$missing" ] && exit 0

install="apt-get install -y --no-install-recommends$missing"
if [ "$(id -u)" -ne 0 ]; then
    echo "Missing system packages:$missing" >&2
    echo "Install them as root, then run make again:" >&2
    echo "    sudo apt-get update && sudo $install" >&2
    exit 1
fi
echo "== system packages:$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086  # the package list is meant to split
apt-get install -y -qq --no-install-recommends $missing >/dev/null
