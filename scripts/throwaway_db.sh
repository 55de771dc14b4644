# Sourced by odoo_tests.sh, export_pot.sh and bench.sh: a private, throwaway
# PostgreSQL cluster in a temporary folder holding database $DB with the addon's
# dependencies installed, and Odoo configured for it in $RUN_DIR/odoo.conf.
# Everything is stopped and deleted on exit, also when interrupted.
#
# The dependencies (portal, sale_management, ...) take most of the install time
# and do not change between runs, so a stopped cluster holding them is kept in
# .cache/ under a key of everything that could change them (Odoo's source, the
# dependency list, the PostgreSQL and Python versions). Each run copies it; the
# addon itself is always installed fresh by the caller.
# shellcheck shell=bash

DB=bcr_test  # the cached template cluster holds a database of this name
RUN_DIR=$(mktemp -d "${TMPDIR:-/tmp}/bcr-test.XXXXXX")
chmod 755 "$RUN_DIR"
PG_DIR="$RUN_DIR/pg"
ODOO_PID=""
cleanup() {
    if [ -n "$ODOO_PID" ]; then
        kill "$ODOO_PID" 2>/dev/null
        # Odoo finishes its current test on SIGTERM: give it 5 s, then stop it for good
        for _ in 1 2 3 4 5; do kill -0 "$ODOO_PID" 2>/dev/null && sleep 1; done
        kill -KILL "$ODOO_PID" 2>/dev/null
        wait "$ODOO_PID" 2>/dev/null
    fi
    pg_stop "$PG_DIR" immediate
    rm -rf "$RUN_DIR"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Odoo runs in the background so that an interruption reaches the trap at once.
run_odoo() {  # $1: log file, rest: odoo arguments
    local log=$1; shift
    "$PYTHON" "$ADDON_DIR/scripts/odoo_launch.py" "$@" >"$log" 2>&1 &  # a plain command: $! is Odoo itself
    ODOO_PID=$!
    wait "$ODOO_PID"
    local rc=$?
    ODOO_PID=""
    return $rc
}

make_addons_path "$RUN_DIR"
PORT=$(free_port)
write_odoo_conf "$RUN_DIR/odoo.conf" "$PG_DIR" "$RUN_DIR/data" "$PORT"

template_key() {
    {
        echo "$ADDON_DEPENDS"
        echo "$ODOO_SRC"
        "$PYTHON" -c 'import sys, odoo.release as r; print(r.version_info, sys.version)'
        "$(pg_bindir)/postgres" --version
        # newest change anywhere in Odoo's source
        find "$ODOO_SRC/odoo" "$ODOO_SRC/addons" -type f -not -name '*.pyc' -printf '%T@\n' 2>/dev/null | sort -n | tail -n 1
    } | sha256sum | cut -c1-16
}

CACHE="$ADDON_DIR/.cache/template-$(template_key)"
if [ -f "$CACHE/ready" ]; then
    say "template cluster: reusing $(basename "$CACHE") (dependencies already installed)"
    cp -a "$CACHE/pg" "$PG_DIR"
    mkdir -p "$RUN_DIR/data/filestore"
    cp -a "$CACHE/filestore" "$RUN_DIR/data/filestore/$DB"
    pg_start "$PG_DIR" || exit 1
else
    say "template cluster: building (first run; installs $ADDON_DEPENDS)"
    T0=$(date +%s)
    pg_init "$PG_DIR" && pg_start "$PG_DIR" || exit 1
    run_odoo "$RUN_DIR/template.log" -c "$RUN_DIR/odoo.conf" -d "$DB" -i "$ADDON_DEPENDS" \
        --without-demo=all --stop-after-init --log-level=warn \
        || { cat "$RUN_DIR/template.log"; exit 1; }
    pg_stop "$PG_DIR" fast
    rm -rf "$ADDON_DIR"/.cache/template-*
    mkdir -p "$CACHE"
    cp -a "$PG_DIR" "$CACHE/pg"
    rm -f "$CACHE/pg/server.log"
    cp -a "$RUN_DIR/data/filestore/$DB" "$CACHE/filestore"
    touch "$CACHE/ready"
    say "template cluster: built in $(( $(date +%s) - T0 )) s"
    pg_start "$PG_DIR" || exit 1
fi

