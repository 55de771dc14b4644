#!/usr/bin/env bash
# make test: static checks, unit tests, then the Odoo tests on a throwaway cluster.
# Usage: scripts/test.sh [all|all-series|static|unit|odoo]   (ODOO_TEST_TAGS narrows tier 3)
# all and odoo: the Odoo tier on the Odoo of ODOO_PATH / ODOO_PYTHON, else python3's;
# all-series (make test-all, CI): once per series this machine has (lib.sh, discover_series).
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
    # (the test-only addons of test_addons/ too: pylint does not descend into a folder that is no package)
    local test_addons=("$ADDON_DIR"/test_addons/*/)
    [ -d "${test_addons[0]}" ] || test_addons=()
    check "pylint-odoo (OCA mandatory checks)" "$PYTHON" -m pylint --rcfile=.pylintrc-mandatory \
        --ignore=tests_unit,scripts,bench,.ci "$ADDON_DIR" "${test_addons[@]}"
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
    # (and the test-only addons' manifests; their paths hold no space)
    # shellcheck disable=SC2046
    check "oca-checks-odoo-module (manifest, XML, CSV)" \
        "${oca[@]}" oca_pre_commit_hooks.cli "${cfg[@]}" "$ADDON_NAME/__manifest__.py" \
        $(cd "$scratch" && ls "$ADDON_NAME"/test_addons/*/__manifest__.py 2>/dev/null)
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

tier_odoo() {  # the Odoo of ODOO_PATH / ODOO_PYTHON (else python3's): one series
    loud "tier 3: Odoo tests"
    if ! find_odoo; then
        if [ "$WHAT" = odoo ]; then
            say "Odoo tests cannot run: $ODOO_MISSING"
            record "Odoo tests" 0 1 0 "cannot run: $ODOO_MISSING"
        else
            loud "Odoo tests SKIPPED: $ODOO_MISSING (install Odoo $SUPPORTED_SERIES or set ODOO_PATH and ODOO_PYTHON)"
            record "Odoo tests" 0 0 1 "SKIPPED: $ODOO_MISSING"
        fi
        return
    fi
    odoo_series_run
}

tier_odoo_every_series() {  # make test-all: the tier once per series found (lib.sh, discover_series)
    local found
    found=$(discover_series)
    if [ -z "$found" ]; then
        tier_odoo
        return
    fi
    loud "tier 3: Odoo tests, once per series found: $(cut -f1 <<<"$found" | xargs)"
    local serie src py
    export BCR_FOUND_SERIES=1  # lib.sh: not remembered as named by a developer
    while IFS=$'\t' read -r serie src py; do
        loud "tier 3: Odoo $serie tests"
        # find_odoo (here and in odoo_tests.sh) takes the series' tree and Python
        if ! ODOO_PATH=$src ODOO_PYTHON=$py find_odoo; then
            say "Odoo $serie tests cannot run: $ODOO_MISSING"
            record "Odoo $serie tests" 0 1 0 "cannot run: $ODOO_MISSING"
            continue
        fi
        ODOO_PATH=$src ODOO_PYTHON=$py odoo_series_run
    done <<<"$found"
}

odoo_series_run() {  # after find_odoo: the tier on ODOO_SERIES, its logs in .test-logs/SERIES/
    local serie=$ODOO_SERIES
    local logs="$LOG_DIR/$serie"
    mkdir -p "$logs"
    SERIES_RAN+=("$serie (Odoo in $ODOO_SRC, run by $ODOO_PY)")
    say "Odoo $serie: $ODOO_SRC, run by $ODOO_PY"
    # in the background, so an interruption of this script is passed on to it
    "$ADDON_DIR/scripts/odoo_tests.sh" "$logs/odoo.log" &
    CHILD=$!
    wait "$CHILD"
    local rc=$?
    CHILD=""
    local counts
    counts=$("$PYTHON" "$ADDON_DIR/scripts/count_results.py" odoo "$logs/odoo.log")
    # shellcheck disable=SC2086
    set -- $counts
    if [ -f "$logs/test-addons.log" ]; then  # the test-only addons' run (odoo_tests.sh), added up
        # shellcheck disable=SC2046
        set -- $(paste -d' ' <(printf '%s\n' "$@") \
            <("$PYTHON" "$ADDON_DIR/scripts/count_results.py" odoo "$logs/test-addons.log" | tr ' ' '\n') \
            | awk '{print $1 + $2}')
    fi
    if [ "$rc" != 0 ] && [ "$2" = 0 ]; then
        say "  the Odoo run failed (exit $rc) before reporting a failed test: see $logs/odoo.log"
        set -- "$1" 1 "$3"
    fi
    record "Odoo $serie tests" "$@" "${ODOO_TEST_TAGS:+tags $ODOO_TEST_TAGS}"

    # harness checks, each on its own line
    counts=$("$PYTHON" "$ADDON_DIR/scripts/count_results.py" install "$logs/odoo.log")
    # shellcheck disable=SC2086
    record "install log clean $serie" $counts "no warning before the tests, which were reached"
    if [ -f "$logs/test-addons.log" ]; then
        counts=$("$PYTHON" "$ADDON_DIR/scripts/count_results.py" install "$logs/test-addons.log")
        # shellcheck disable=SC2086
        record "install log clean $serie" $counts
    fi
    local loop
    loop=$(cat "$logs/loop.result" 2>/dev/null) || loop="failed: no result, see $logs"
    case "$loop" in
        passed:*) record "test-one loop $serie" 1 0 0 "${loop#passed: }" ;;
        skipped:*) record "test-one loop $serie" 0 0 1 "${loop#skipped: }" ;;
        *) record "test-one loop $serie" 0 1 0 "${loop#failed: }" ;;
    esac
}

SERIES_RAN=()
CHILD=""
trap '[ -n "$CHILD" ] && kill -TERM "$CHILD" 2>/dev/null && wait "$CHILD"; exit 130' INT TERM

START=$(date +%s)
case "$WHAT" in
    all) tier_static; tier_unit; tier_odoo ;;
    all-series) tier_static; tier_unit; tier_odoo_every_series ;;
    static) tier_static ;;
    unit) tier_unit ;;
    odoo) tier_odoo ;;
    *) say "usage: $0 [all|all-series|static|unit|odoo]"; exit 2 ;;
esac

say ""
TOTAL_P=0 TOTAL_F=0 TOTAL_S=0
for kind in "${KINDS[@]}"; do
    line=$(counts "${PASSED[$kind]}" "${FAILED[$kind]}" "${SKIPPED[$kind]}" all)
    printf '  %-24s %s%s\n' "$kind" "$line" "${NOTE[$kind]:+  (${NOTE[$kind]})}"
    TOTAL_P=$((TOTAL_P + PASSED[$kind])) TOTAL_F=$((TOTAL_F + FAILED[$kind])) TOTAL_S=$((TOTAL_S + SKIPPED[$kind]))
done
if [ "${#SERIES_RAN[@]}" -gt 0 ]; then
    say "Odoo series tested: ${#SERIES_RAN[@]}"
    for serie in "${SERIES_RAN[@]}"; do say "  $serie"; done
fi
say "time: $(( $(date +%s) - START )) s"
counts "$TOTAL_P" "$TOTAL_F" "$TOTAL_S"
echo
[ "$TOTAL_F" = 0 ] && [ $((TOTAL_P + TOTAL_S)) -gt 0 ]
