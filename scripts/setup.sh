#!/usr/bin/env bash
# make setup: what the addon's checks and tests need. Idempotent.
# Odoo (18.0, 19.0) itself is a prerequisite and is never installed here; the tests'
# tools are installed into the Python of every series found (lib.sh, discover_series).
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

# Odoo prints its PDFs (an order confirmation's, an invoice's) with wkhtmltopdf (make demo)
if command -v wkhtmltopdf >/dev/null 2>&1; then
    say "ok: wkhtmltopdf"
else
    apt_install wkhtmltopdf || status=1
fi

# Installed only when one differs from its pin: a run with all of them in place
# asks nothing of PyPI and changes nothing.
pin_install() {  # $1: Python, $2: requirements file, $3: what they are
    local py=$1 file=$2 what=$3 differ
    if differ=$("$py" "$ADDON_DIR/scripts/pins.py" "$file"); then
        say "ok: $what pinned in scripts/$(basename "$file") ($py)"
        return 0
    fi
    say "installing from PyPI into $("$py" -c 'import sys; print(sys.executable)'), as pinned in scripts/$(basename "$file"):"
    while read -r line; do say "  $line"; done <<<"$differ"
    # pip's own words go to a log: its warnings about this machine's package sources and about
    # packages of this Python that no pin here names are not ours to act on
    local log="$ADDON_DIR/.cache/pip-$(basename "$file" .txt).log" rc=0
    mkdir -p "$ADDON_DIR/.cache"
    "$py" -m pip install -q --disable-pip-version-check -r "$file" >"$log" 2>&1 || rc=$?
    if [ "$rc" = 0 ] && differ=$("$py" "$ADDON_DIR/scripts/pins.py" "$file"); then
        say "ok: $what pinned in scripts/$(basename "$file") ($py)"
        if grep -q "dependency conflicts" "$log"; then
            say "  note: pip found conflicts among other packages of that Python, none pinned here (see ${log#"$ADDON_DIR"/})"
        fi
    else
        grep -v "is ignored: it is neither a file nor a directory" "$log" | tail -n 20
        say "MISSING: $what as pinned in scripts/$(basename "$file")${differ:+: $differ} (pip's log: ${log#"$ADDON_DIR"/})"
        return 1
    fi
}
pin_install "$PYTHON" "$REQUIREMENTS" "Python tools" || status=1

# Every series found (README, "Series"): the tests' tools in the Python that runs it.
series=$(discover_series)
if [ -z "$series" ]; then
    find_odoo || true
    say "NOTE: no Odoo ($SUPPORTED_SERIES) is available ($ODOO_MISSING)."
    say "      The Odoo tests will be skipped until 'python3 -c \"import odoo\"' works or ODOO_PATH"
    say "      (and ODOO_PYTHON) name one."
fi
python_path=$(command -v "$PYTHON" 2>/dev/null || echo "$PYTHON")
while IFS=$'\t' read -r serie src py; do
    [ -n "$serie" ] || continue
    say "ok: Odoo $serie at $src, run by $py"
    if [ "$(command -v "$py" 2>/dev/null || echo "$py")" != "$python_path" ]; then
        pin_install "$py" "$ADDON_DIR/scripts/requirements-test.txt" "test tools for Odoo $serie" || status=1
    fi
done <<<"$series"
exit $status
