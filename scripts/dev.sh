#!/usr/bin/env bash
# The development loop: a persistent private PostgreSQL cluster in .dev/SERIES/ holding
# database bcr_dev with the addon installed (no demo data), and one test file run
# against it in seconds with pytest-odoo. The series is that of the Odoo named by
# ODOO_PATH / ODOO_PYTHON (else python3's): each series has its own database. When
# PostgreSQL's user cannot enter the checkout, the cluster itself lives in a folder of
# this checkout under /tmp (lib.sh, cluster_dir).
#
#   scripts/dev.sh up      make dev: create it (a copy of the template in .cache/,
#                          as the Odoo tests use), or start it and update the addon
#   scripts/dev.sh test    make test-one: 'up', then pytest-odoo on $T (default tests/;
#                          files, folders or node ids, space separated) with -k "$K"
#                          when K is set, and PYTEST_ARGS; exits with pytest's code.
#                          A T under test_addons/NAME/ installs that test-only addon
#                          in bcr_dev first (once; never in make demo's database)
#   scripts/dev.sh stop    make dev-stop: stop the clusters (every series')
#   scripts/dev.sh reset   make dev-reset: stop and delete the series' one, then 'up'
#
# The addon is updated (odoo -u) only when what an update loads changed since the
# last one: a hash of the manifest, models, views, data, security, controllers,
# static, wizard and i18n is kept in .dev/SERIES/module.hash. Python code elsewhere (tools/)
# and the tests need no update: pytest loads them afresh on each run.
set -uo pipefail
. "$(dirname "$0")/lib.sh"

DEV_ROOT="$ADDON_DIR/.dev"
DB=bcr_dev
# What a module update loads; a change anywhere here triggers one.
UPDATE_INPUTS=(__manifest__.py __init__.py models views data security controllers static wizard i18n test_addons)

series_dirs() {  # after find_odoo: the folders of ODOO_SERIES
    DEV_DIR="$DEV_ROOT/$ODOO_SERIES"
    mkdir -p "$DEV_DIR"
    chmod 755 "$DEV_ROOT" "$DEV_DIR"
    PG_DIR=$(cluster_dir "$DEV_DIR/pg")
    DATA_DIR="$DEV_DIR/data"
    CONF="$DEV_DIR/odoo.conf"
    # the addons-path link, outside the project, is made again on each run
    LINK_DIR="$CHECKOUT_TMP/dev-link/$ODOO_SERIES"
    ADDON_LINK="$LINK_DIR/addons/$ADDON_NAME"
}

trap 'stop_odoo; exit 130' INT TERM

module_hash() {
    (
        cd "$ADDON_DIR" || exit 1
        find "${UPDATE_INPUTS[@]}" -type f -not -name '*.pyc' -not -path '*/__pycache__/*' -print0 2>/dev/null \
            | LC_ALL=C sort -z | xargs -0 -r sha256sum | sha256sum | cut -c1-16
    )
}

odoo_step() {  # $1: label, $2: log, rest: odoo arguments; prints the log's end on failure
    local label=$1 log=$2 t0
    shift 2
    t0=$(date +%s)
    say "$label"
    if ! run_odoo "$log" -c "$CONF" -d "$DB" "$@"; then
        tail -n 40 "$log"
        say "FAILED: $label (full log: $log)"
        return 1
    fi
    say "  done in $(( $(date +%s) - t0 )) s"
}

# Odoo ends with exit 0 when the addon did not install (refused, or its data failed).
check_installed() {  # $1: the log to show
    local state
    state=$(psql -h "$PG_DIR" -U odoo -d "$DB" -Atc "SELECT state FROM ir_module_module WHERE name = '$ADDON_NAME'")
    [ "$state" = installed ] && return 0
    grep -E ' (WARNING|ERROR|CRITICAL) ' "$1" | tail -n 20
    say "FAILED: $ADDON_NAME is not installed (state: ${state:-none}; log: $1)"
    return 1
}

# Odoo builds its asset bundles on first use; in a test, HttpCase's requests run in
# the test's transaction, so what they build is rolled back and built again by the
# next run. Built and committed here once per update, as Odoo's own test runner does.
pregenerate_assets() {
    local log="$DEV_DIR/assets.log" t0
    t0=$(date +%s)
    say "building the asset bundles (for HttpCase tests and tours)"
    printf '%s\n' "env['ir.qweb']._pregenerate_assets_bundles()" "env.cr.commit()" \
        | odoo_bin shell -c "$CONF" -d "$DB" --no-http --log-level=warn >"$log" 2>&1 \
        || { tail -n 20 "$log"; say "FAILED: building the asset bundles (log: $log)"; return 1; }
    say "  done in $(( $(date +%s) - t0 )) s"
}

installed_modules() {  # $1: module names, comma separated; prints those installed in $DB
    local names
    names=$(printf "'%s'," ${1//,/ })
    psql -h "$PG_DIR" -U odoo -d "$DB" -Atc \
        "SELECT name FROM ir_module_module WHERE state = 'installed' AND name IN (${names%,}) ORDER BY name" \
        | paste -sd, -
}

# make test-one on a test-only addon's tests (T under test_addons/NAME/): NAME installed first
ensure_test_addon() {  # $1: the addon's name
    [ -n "$(installed_modules "$1")" ] && return 0
    odoo_step "installing the test-only addon $1 (for its tests; make demo never has it)" \
        "$DEV_DIR/install-$1.log" -i "$1" --without-demo=True --stop-after-init --log-level=warn || return 1
    [ -n "$(installed_modules "$1")" ] || { say "FAILED: $1 is not installed (log: $DEV_DIR/install-$1.log)"; return 1; }
    pregenerate_assets
}

create() {
    say "development database: creating $DB in .dev/$ODOO_SERIES/ (Odoo $ODOO_SERIES, addon installed, no demo data)"
    pg_stop "$PG_DIR" fast
    rm -rf "$PG_DIR" "$DATA_DIR" "$DEV_DIR/module.hash" "$DEV_DIR/template"
    template_copy "$PG_DIR" "$DATA_DIR" "$CONF" || return 1
    pg_start "$PG_DIR" || return 1
    psql -h "$PG_DIR" -U odoo -d postgres -qc "ALTER DATABASE $TEMPLATE_DB RENAME TO $DB" || return 1
    mv "$DATA_DIR/filestore/$TEMPLATE_DB" "$DATA_DIR/filestore/$DB"
    local hash
    hash=$(module_hash)
    odoo_step "installing $ADDON_NAME" "$DEV_DIR/install.log" \
        -i "$ADDON_NAME" --without-demo=True --stop-after-init --log-level=warn || return 1
    check_installed "$DEV_DIR/install.log" || return 1
    pregenerate_assets || return 1
    echo "$hash" >"$DEV_DIR/module.hash"
    template_key >"$DEV_DIR/template"
    touch "$DEV_DIR/ready"
}

up() {  # $1: "quiet" to say nothing when nothing is to be done
    find_odoo || { say "Odoo ($SUPPORTED_SERIES) is needed: $ODOO_MISSING"; return 1; }
    series_dirs
    # one run at a time: an update under a running test would break it
    exec 9>"$DEV_DIR/lock"
    if ! flock -n 9; then
        say "waiting for another 'make dev' or 'make test-one' on this checkout"
        flock 9
    fi
    make_addons_path "$LINK_DIR" tests
    if [ ! -f "$CONF" ] || ! grep -qxF "addons_path = $ADDONS_PATH" "$CONF"; then
        write_odoo_conf "$CONF" "$PG_DIR" "$DATA_DIR" "$(free_port)"
        echo "db_name = $DB" >>"$CONF"
    fi
    if [ -f "$DEV_DIR/ready" ] && [ ! -f "$PG_DIR/data/PG_VERSION" ]; then
        say "development cluster: $PG_DIR is gone (a temporary folder emptied?): making it again"
        rm -f "$DEV_DIR/ready"
    fi
    if [ ! -f "$DEV_DIR/ready" ]; then
        create || return 1
        [ "${1:-}" = quiet ] || say "running; 'make test-one T=tests/test_x.py' tests against it, 'make dev-stop' stops it"
        return 0
    fi
    if ! pg_running "$PG_DIR"; then
        say "development cluster: starting ($PG_DIR)"
        pg_start "$PG_DIR" || return 1
    fi
    local hash
    hash=$(module_hash)
    if [ "$hash" != "$(cat "$DEV_DIR/module.hash" 2>/dev/null)" ]; then
        local modules
        modules=$(installed_modules "$ADDON_NAME,$TEST_ADDONS")
        odoo_step "updating $modules (models, views, data, static... changed since the last update)" \
            "$DEV_DIR/update.log" -u "$modules" --stop-after-init --log-level=warn || return 1
        check_installed "$DEV_DIR/update.log" || return 1
        pregenerate_assets || return 1
        echo "$hash" >"$DEV_DIR/module.hash"
    elif [ "${1:-}" != quiet ]; then
        say "development database: $DB is up to date"
    fi
    if [ "${1:-}" != quiet ] && [ "$(template_key)" != "$(cat "$DEV_DIR/template" 2>/dev/null)" ]; then
        say "NOTE: Odoo, PostgreSQL or the dependency list changed since .dev/$ODOO_SERIES/ was made: 'make dev-reset' remakes it"
    fi
    [ "${1:-}" = quiet ] || say "running; 'make test-one T=tests/test_x.py' tests against it, 'make dev-stop' stops it"
}

test_one() {
    up quiet || exit 1
    local targets=() arg path rest rest_path
    read -r -a targets <<<"${T:-tests}"
    local args=()
    for arg in "${targets[@]}"; do
        path=${arg%%::*}
        rest=${arg#"$path"}
        # relative to the repository root, as make runs there
        path=$(cd "$ADDON_DIR" && realpath -m -s "$path")
        case "$path" in
            "$ADDON_DIR"/test_addons/?*)
                rest_path=${path#"$ADDON_DIR"/test_addons/}
                ensure_test_addon "${rest_path%%/*}" || exit 1
                args+=("$ADDON_LINK/${path#"$ADDON_DIR"/}$rest")
                ;;
            "$ADDON_DIR") args+=("$ADDON_LINK$rest") ;;
            "$ADDON_DIR"/*) args+=("$ADDON_LINK/${path#"$ADDON_DIR"/}$rest") ;;
            *) say "T=$arg is not inside this addon ($ADDON_DIR)"; exit 2 ;;
        esac
    done
    [ -n "${K:-}" ] && args+=(-k "$K")
    local extra=()
    read -r -a extra <<<"${PYTEST_ARGS:-}"
    pytest_odoo_cmd "$CONF" "$DB" "$ADDON_LINK" "${extra[@]}" "${args[@]}"
    say "pytest-odoo on $DB (Odoo $ODOO_SERIES): ${T:-tests}${K:+ -k \"$K\"}"
    exec "${PYTEST_CMD[@]}"
}

stop() {  # every series' cluster
    local dir pg stopped=0
    for dir in "$DEV_ROOT"/*/; do
        [ -d "$dir" ] || continue
        pg=$(cluster_dir "${dir%/}/pg")
        if pg_running "$pg"; then
            pg_stop "$pg" fast
            say "development cluster stopped ($pg); 'make dev' or 'make test-one' starts it again"
            stopped=1
        fi
    done
    [ "$stopped" = 1 ] || say "development cluster: not running"
}

case "${1:-up}" in
    up) up ;;
    test) test_one ;;
    stop) stop ;;
    reset)
        find_odoo || { say "Odoo ($SUPPORTED_SERIES) is needed: $ODOO_MISSING"; exit 1; }
        series_dirs
        pg_stop "$PG_DIR" fast
        rm -rf "$DEV_DIR" "$PG_DIR"
        up
        ;;
    *) say "usage: $0 [up|test|stop|reset]"; exit 2 ;;
esac
