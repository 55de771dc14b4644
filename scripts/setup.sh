#!/usr/bin/env bash
# make setup: what the addon's checks and tests need. Idempotent.
# Odoo 18.0 itself is a prerequisite and is never installed here.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

# The Python tools, pinned (exact versions, and how to bump them: in the file).
REQUIREMENTS="$ADDON_DIR/scripts/requirements-dev.txt"

apt_install() {  # $@: Debian packages
    local runner=()
    if [ "$(id -u)" != 0 ]; then
        if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
            runner=(sudo -n)
        else
            say "MISSING: Debian packages $* (run 'sudo apt-get install -y $*' and then 'make setup' again)"
            return 1
        fi
    fi
    if ! command -v apt-get >/dev/null 2>&1; then
        say "MISSING: $* (no apt-get on this machine: install them with your package manager)"
        return 1
    fi
    say "installing from Debian: $*"
    DEBIAN_FRONTEND=noninteractive "${runner[@]}" apt-get install -y -q "$@" >/dev/null 2>&1 \
        || { "${runner[@]}" apt-get update -q >/dev/null 2>&1 \
             && DEBIAN_FRONTEND=noninteractive "${runner[@]}" apt-get install -y -q "$@" >/dev/null; } \
        || { say "MISSING: apt-get could not install $*"; return 1; }
}

status=0
if pg_bindir >/dev/null; then
    say "ok: PostgreSQL server ($(pg_bindir))"
else
    apt_install postgresql || status=1
fi

if command -v chromium >/dev/null 2>&1 || command -v google-chrome >/dev/null 2>&1; then
    say "ok: Chromium"
else
    apt_install chromium || status=1
fi

# Installed only when one differs from its pin: a run with all of them in place
# asks nothing of PyPI and changes nothing.
pins() { "$PYTHON" "$ADDON_DIR/scripts/pins.py" "$REQUIREMENTS"; }
if differ=$(pins); then
    say "ok: Python tools pinned in scripts/requirements-dev.txt"
else
    say "installing from PyPI into $("$PYTHON" -c 'import sys; print(sys.executable)'), as pinned in scripts/requirements-dev.txt:"
    while read -r line; do say "  $line"; done <<<"$differ"
    if "$PYTHON" -m pip install -q --disable-pip-version-check -r "$REQUIREMENTS" && differ=$(pins); then
        say "ok: Python tools pinned in scripts/requirements-dev.txt"
    else
        say "MISSING: Python tools as pinned in scripts/requirements-dev.txt${differ:+: $differ}"
        status=1
    fi
fi

if find_odoo; then
    say "ok: Odoo 18.0 at $ODOO_SRC"
else
    say "NOTE: Odoo 18.0 is not available ($ODOO_MISSING)."
    say "      The Odoo tests will be skipped until 'python -c \"import odoo\"' works or ODOO_PATH is set."
fi
exit $status
