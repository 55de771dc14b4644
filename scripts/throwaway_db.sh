# Sourced by odoo_tests.sh, export_pot.sh and bench.sh: a private, throwaway
# PostgreSQL cluster in a temporary folder holding database $DB with the addon's
# dependencies installed, and Odoo configured for it in $RUN_DIR/odoo.conf.
# Everything is stopped and deleted on exit, also when interrupted.
#
# The cluster is a copy of the cached template (template_copy in lib.sh, built on
# the first run); the addon itself is always installed fresh by the caller.
# WITH_TEST_ADDONS=tests puts the test-only addons on the addons path (odoo_tests.sh).
# shellcheck shell=bash disable=SC2034  # it sets variables for the scripts that source it

DB=$TEMPLATE_DB
RUN_DIR=$(mktemp -d "${TMPDIR:-/tmp}/bcr-test.XXXXXX")
chmod 755 "$RUN_DIR"
PG_DIR="$RUN_DIR/pg"
cleanup() {
    stop_odoo
    pg_stop "$PG_DIR" immediate
    rm -rf "$RUN_DIR"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

make_addons_path "$RUN_DIR" "${WITH_TEST_ADDONS:-}"
ADDON_LINK="$RUN_DIR/addons/$ADDON_NAME"
PORT=$(free_port)
write_odoo_conf "$RUN_DIR/odoo.conf" "$PG_DIR" "$RUN_DIR/data" "$PORT"

template_copy "$PG_DIR" "$RUN_DIR/data" "$RUN_DIR/odoo.conf" || exit 1
pg_start "$PG_DIR" || exit 1
