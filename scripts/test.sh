#!/usr/bin/env bash
# make test: static checks, unit tests, then the Odoo tests on a throwaway cluster.
# Usage: scripts/test.sh [all|static|unit|odoo]   (ODOO_TEST_TAGS narrows tier 3)
set -uo pipefail
. "$(dirname "$0")/lib.sh"

WHAT=${1:-all}
PASSED=0 FAILED=0 SKIPPED=0
LOG_DIR="$ADDON_DIR/.test-logs"
mkdir -p "$LOG_DIR"

record() {  # $1: passed $2: failed $3: skipped
    PASSED=$((PASSED + $1)) FAILED=$((FAILED + $2)) SKIPPED=$((SKIPPED + $3))
}

check() {  # $1: label, rest: command; one static check counts as one test
    local label=$1; shift
    if "$@" >"$LOG_DIR/static.out" 2>&1; then
        say "  ok    $label"
        record 1 0 0
    else
        say "  FAIL  $label"
        sed 's/^/        /' "$LOG_DIR/static.out"
        record 0 1 0
    fi
}

tier_static() {
    loud "tier 1: static checks"
    cd "$ADDON_DIR" || return
    local py_files xml_files
    check "ruff check" "$PYTHON" -m ruff check .
    check "ruff format --check" "$PYTHON" -m ruff format --check .
    check "pylint-odoo (OCA mandatory checks)" "$PYTHON" -m pylint --rcfile=.pylintrc-mandatory \
        --ignore=tests_unit,scripts,bench,.ci "$ADDON_DIR"
    # The OCA hooks take a module's name from its folder: check through a link.
    local scratch
    scratch=$(mktemp -d)
    ln -s "$ADDON_DIR" "$scratch/$ADDON_NAME"
    check "oca-checks-odoo-module (manifest, XML, CSV)" oca-checks-odoo-module "$scratch/$ADDON_NAME/__manifest__.py"
    mapfile -t po_files < <(find i18n -name '*.po*' 2>/dev/null)
    if [ "${#po_files[@]}" -gt 0 ]; then
        check "oca-checks-po (translations)" oca-checks-po "${po_files[@]/#/$scratch/$ADDON_NAME/}"
    fi
    rm -rf "$scratch"
}

tier_unit() {
    loud "tier 2: unit tests (no Odoo)"
    cd "$ADDON_DIR" || return
    if ! ls tests_unit/test_*.py >/dev/null 2>&1; then
        say "  no unit tests"
        return
    fi
    # unittest, not pytest: the repository root is the addon's package, whose
    # __init__ imports Odoo; these tests load the pure modules by path.
    "$PYTHON" -m unittest discover -s tests_unit -t tests_unit -v 2>&1 | tee "$LOG_DIR/unit.log"
    local counts
    counts=$("$PYTHON" "$ADDON_DIR/scripts/count_results.py" unittest "$LOG_DIR/unit.log")
    # shellcheck disable=SC2086
    record $counts
}

tier_odoo() {
    loud "tier 3: Odoo tests"
    if ! find_odoo; then
        if [ "$WHAT" = odoo ]; then
            say "Odoo tests cannot run: $ODOO_MISSING"
            record 0 1 0
        else
            loud "Odoo tests SKIPPED: $ODOO_MISSING (install Odoo 18.0 or set ODOO_PATH)"
            record 0 0 1
        fi
        return
    fi
    say "Odoo: $ODOO_SRC"
    # in the background, so an interruption of this script is passed on to it
    "$ADDON_DIR/scripts/odoo_tests.sh" "$LOG_DIR/odoo.log" &
    CHILD=$!
    wait "$CHILD"
    local rc=$?
    CHILD=""
    local counts
    counts=$("$PYTHON" "$ADDON_DIR/scripts/count_results.py" odoo "$LOG_DIR/odoo.log")
    # shellcheck disable=SC2086
    set -- $counts
    if [ "$rc" != 0 ] && [ "$2" = 0 ]; then
        say "  the Odoo run failed (exit $rc) before reporting a failed test: see $LOG_DIR/odoo.log"
        set -- "$1" 1 "$3"
    fi
    record "$@"
}

CHILD=""
trap '[ -n "$CHILD" ] && kill -TERM "$CHILD" 2>/dev/null && wait "$CHILD"; exit 130' INT TERM

START=$(date +%s)
case "$WHAT" in
    all) tier_static; tier_unit; tier_odoo ;;
    static) tier_static ;;
    unit) tier_unit ;;
    odoo) tier_odoo ;;
    *) say "usage: $0 [all|static|unit|odoo]"; exit 2 ;;
esac

say ""
say "time: $(( $(date +%s) - START )) s"
summary="$PASSED passed, $FAILED failed"
[ "$SKIPPED" -gt 0 ] && summary="$summary, $SKIPPED skipped"
say "$summary"
[ "$FAILED" = 0 ] && [ $((PASSED + SKIPPED)) -gt 0 ]
