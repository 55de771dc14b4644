#!/usr/bin/env bash
# make test: static checks, unit tests, then the Odoo tests on a throwaway cluster.
# Usage: scripts/test.sh [all|static|unit|odoo]   (ODOO_TEST_TAGS narrows tier 3)
# The closing lines count each kind of check on its own line, then all of them on the
# last line: "N passed, N failed[, N skipped]"; the exit code is non-zero when
# anything failed (or nothing ran).
set -uo pipefail
. "$(dirname "$0")/lib.sh"

WHAT=${1:-all}
LOG_DIR="$ADDON_DIR/.test-logs"
mkdir -p "$LOG_DIR"

# Counts per kind of check, in the order they were first recorded.
KINDS=()
declare -A PASSED=() FAILED=() SKIPPED=() NOTE=()
record() {  # $1: kind, $2: passed, $3: failed, $4: skipped, $5: note for the closing line
    if [ -z "${PASSED[$1]+set}" ]; then
        KINDS+=("$1")
        PASSED[$1]=0 FAILED[$1]=0 SKIPPED[$1]=0 NOTE[$1]=""
    fi
    PASSED[$1]=$((PASSED[$1] + $2)) FAILED[$1]=$((FAILED[$1] + $3)) SKIPPED[$1]=$((SKIPPED[$1] + $4))
    [ -n "${5:-}" ] && NOTE[$1]=$5
    return 0
}

counts() {  # $1 passed, $2 failed, $3 skipped[, $4 "all": skipped even when 0]
    local text="$1 passed, $2 failed"
    if [ "$3" -gt 0 ] || [ "${4:-}" = all ]; then text="$text, $3 skipped"; fi
    printf '%s' "$text"
}

check() {  # $1: label, rest: command; one static check counts as one test
    local label=$1; shift
    if "$@" >"$LOG_DIR/static.out" 2>&1; then
        say "  ok    $label"
        record "static checks" 1 0 0
    else
        say "  FAIL  $label"
        sed 's/^/        /' "$LOG_DIR/static.out"
        record "static checks" 0 1 0
    fi
}

tier_static() {
    loud "tier 1: static checks"
    cd "$ADDON_DIR" || return
    check "ruff check" "$PYTHON" -m ruff check .
    check "ruff format --check" "$PYTHON" -m ruff format --check .
    check "pylint-odoo (OCA mandatory checks)" "$PYTHON" -m pylint --rcfile=.pylintrc-mandatory \
        --ignore=tests_unit,scripts,bench,.ci "$ADDON_DIR"
    # The OCA hooks look for a module's manifest from the given path up to, and not
    # including, the repository's top (the first folder up holding a .git, symbolic
    # links resolved). The repository root is the addon here, so in a clone they
    # found no module and checked nothing, while in a tree without .git (git archive,
    # a tarball) they checked it. They run on a copy instead, in a folder named after
    # the addon below a scratch top: the same checks, and the same file names in the
    # report, whatever the tree; and with this repository's configuration, explicitly.
    local scratch
    scratch=$(mktemp -d "${TMPDIR:-/tmp}/bcr-oca.XXXXXX")
    mkdir "$scratch/.git" "$scratch/$ADDON_NAME"
    tar -C "$ADDON_DIR" -cf - --exclude='./.*' --exclude=./bench/.run --exclude=__pycache__ . \
        | tar -C "$scratch/$ADDON_NAME" -xf -
    # (the hooks of the Python in use, like ruff and pylint, whatever is on PATH)
    local oca=(env -C "$scratch" "$PYTHON" -m)
    local cfg=(--config "$ADDON_DIR/.oca_hooks.cfg")
    check "oca-checks-odoo-module (manifest, XML, CSV)" \
        "${oca[@]}" oca_pre_commit_hooks.cli "${cfg[@]}" "$ADDON_NAME/__manifest__.py"
    mapfile -t po_files < <(cd "$scratch" && find "$ADDON_NAME/i18n" -name '*.po*' 2>/dev/null | sort)
    if [ "${#po_files[@]}" -gt 0 ]; then
        check "oca-checks-po (translations)" "${oca[@]}" oca_pre_commit_hooks.cli_po "${cfg[@]}" "${po_files[@]}"
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
    record "unit tests" $counts
}

tier_odoo() {
    loud "tier 3: Odoo tests"
    if ! find_odoo; then
        if [ "$WHAT" = odoo ]; then
            say "Odoo tests cannot run: $ODOO_MISSING"
            record "Odoo tests" 0 1 0 "cannot run: $ODOO_MISSING"
        else
            loud "Odoo tests SKIPPED: $ODOO_MISSING (install Odoo 18.0 or set ODOO_PATH)"
            record "Odoo tests" 0 0 1 "SKIPPED: $ODOO_MISSING"
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
    record "Odoo tests" "$@" "${ODOO_TEST_TAGS:+tags $ODOO_TEST_TAGS}"

    # harness checks, each on its own line
    counts=$("$PYTHON" "$ADDON_DIR/scripts/count_results.py" install "$LOG_DIR/odoo.log")
    # shellcheck disable=SC2086
    record "install log clean" $counts "no warning before the tests, which were reached"
    local loop
    loop=$(cat "$LOG_DIR/loop.result" 2>/dev/null) || loop="failed: no result, see $LOG_DIR"
    case "$loop" in
        passed:*) record "test-one loop" 1 0 0 "${loop#passed: }" ;;
        skipped:*) record "test-one loop" 0 0 1 "${loop#skipped: }" ;;
        *) record "test-one loop" 0 1 0 "${loop#failed: }" ;;
    esac
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
TOTAL_P=0 TOTAL_F=0 TOTAL_S=0
for kind in "${KINDS[@]}"; do
    line=$(counts "${PASSED[$kind]}" "${FAILED[$kind]}" "${SKIPPED[$kind]}" all)
    printf '  %-19s %s%s\n' "$kind" "$line" "${NOTE[$kind]:+  (${NOTE[$kind]})}"
    TOTAL_P=$((TOTAL_P + PASSED[$kind])) TOTAL_F=$((TOTAL_F + FAILED[$kind])) TOTAL_S=$((TOTAL_S + SKIPPED[$kind]))
done
say "time: $(( $(date +%s) - START )) s"
counts "$TOTAL_P" "$TOTAL_F" "$TOTAL_S"
echo
[ "$TOTAL_F" = 0 ] && [ $((TOTAL_P + TOTAL_S)) -gt 0 ]
