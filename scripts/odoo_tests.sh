#!/usr/bin/env bash
# Tier 3: install the addon fresh on a private, throwaway PostgreSQL cluster and
# run all its tests (HttpCase and Chromium tours included); then, on the same
# database, check the 'make test-one' loop: its pytest-odoo command must pass a
# known-good sample and fail a deliberately failing one (scripts/harness_samples/).
# Usage: scripts/odoo_tests.sh LOGFILE        (ODOO_TEST_TAGS narrows the run)
# Then, on the same database, the test-only addons of test_addons/ (a third kind of
# booking) are installed on top and their own tests run, in a second Odoo run whose log
# is test-addons.log beside LOGFILE: the addon's own run stays as it was without them.
# Writes LOGFILE (Odoo's log), and beside it test-addons.log, loop-pass.log,
# loop-fail.log and loop.result (one line: "passed: ...", "failed: ..." or "skipped: ...").
# The cluster and its cached template: scripts/throwaway_db.sh.
set -uo pipefail
. "$(dirname "$0")/lib.sh"

LOG=$1
LOG_DIR=$(dirname "$LOG")
LOOP_RESULT="$LOG_DIR/loop.result"
TEST_LOG="$LOG_DIR/test-addons.log"
rm -f "$LOOP_RESULT" "$LOG_DIR/loop-pass.log" "$LOG_DIR/loop-fail.log" "$TEST_LOG"
find_odoo || { say "$ODOO_MISSING"; exit 1; }

WITH_TEST_ADDONS=tests
. "$(dirname "$0")/throwaway_db.sh"

TAGS=${ODOO_TEST_TAGS:-/$ADDON_NAME}
say "installing $ADDON_NAME fresh and running tests ($TAGS); full log: $LOG"
T0=$(date +%s)
run_odoo "$LOG" -c "$RUN_DIR/odoo.conf" -d "$DB" -i "$ADDON_NAME" --without-demo=True \
    --test-tags "$TAGS" --stop-after-init --log-level=info
RC=$?
"$PYTHON" "$ADDON_DIR/scripts/count_results.py" odoo-report "$LOG"
say "Odoo tests: $(( $(date +%s) - T0 )) s"

installed=$(psql -h "$PG_DIR" -U odoo -d "$DB" -Atc \
    "SELECT state FROM ir_module_module WHERE name = '$ADDON_NAME'" 2>/dev/null)
wants_test_addons() {  # all tests, or ODOO_TEST_TAGS names a test-only addon
    [ -z "${ODOO_TEST_TAGS:-}" ] && return 0
    local name
    for name in ${TEST_ADDONS//,/ }; do
        [[ "$ODOO_TEST_TAGS" == *"$name"* ]] && return 0
    done
    return 1
}
if [ -n "$TEST_ADDONS" ] && [ "$installed" = installed ] && wants_test_addons; then
    say "installing the test-only addons $TEST_ADDONS and running their tests; full log: $TEST_LOG"
    T0=$(date +%s)
    run_odoo "$TEST_LOG" -c "$RUN_DIR/odoo.conf" -d "$DB" -i "$TEST_ADDONS" --without-demo=True \
        --test-tags "${ODOO_TEST_TAGS:-/${TEST_ADDONS//,/,/}}" --stop-after-init --log-level=info
    TEST_RC=$?
    "$PYTHON" "$ADDON_DIR/scripts/count_results.py" odoo-report "$TEST_LOG"
    say "test-only addons' tests: $(( $(date +%s) - T0 )) s"
    [ "$TEST_RC" = 0 ] || RC=$TEST_RC
fi

# The loop check: pytest's exit code, and its own summary line.
loop_sample() {  # $1: sample file name, $2: log; sets SAMPLE_RC and SAMPLE_SUMMARY
    pytest_odoo_cmd "$RUN_DIR/odoo.conf" "$DB" "$ADDON_LINK" "$ADDON_LINK/scripts/harness_samples/$1"
    "${PYTEST_CMD[@]}" >"$2" 2>&1 &
    ODOO_PID=$!  # pytest runs Odoo: stopped like it on interruption
    wait "$ODOO_PID"
    SAMPLE_RC=$?
    ODOO_PID=""
    SAMPLE_SUMMARY=$(grep -E '^=+ .*(passed|failed|error).* in [0-9.]+s' "$2" | tail -n 1 | tr -d '=' | xargs)
}

if [ "$installed" != installed ]; then
    echo "skipped: $ADDON_NAME did not install" >"$LOOP_RESULT"
else
    T0=$(date +%s)
    loop_sample sample_pass.py "$LOG_DIR/loop-pass.log"
    pass_rc=$SAMPLE_RC pass_summary=$SAMPLE_SUMMARY
    loop_sample sample_fail.py "$LOG_DIR/loop-fail.log"
    fail_rc=$SAMPLE_RC fail_summary=$SAMPLE_SUMMARY
    detail="known-good sample: exit $pass_rc, '${pass_summary:-no summary}'; failing sample: exit $fail_rc, '${fail_summary:-no summary}'"
    if [ "$pass_rc" = 0 ] && [[ "$pass_summary" == *passed* ]] && [[ "$pass_summary" != *failed* ]] \
        && [ "$fail_rc" != 0 ] && [[ "$fail_summary" == *"1 failed"* ]]; then
        echo "passed: $detail" >"$LOOP_RESULT"
    else
        echo "failed: $detail; logs: $LOG_DIR/loop-pass.log, $LOG_DIR/loop-fail.log" >"$LOOP_RESULT"
    fi
    say "test-one loop check: $(( $(date +%s) - T0 )) s"
fi
exit $RC
