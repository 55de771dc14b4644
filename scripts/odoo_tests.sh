#!/usr/bin/env bash
# Tier 3: install the addon fresh on a private, throwaway PostgreSQL cluster and
# run all its tests (HttpCase and Chromium tours included).
# Usage: scripts/odoo_tests.sh LOGFILE        (ODOO_TEST_TAGS narrows the run)
# The cluster and its cached template: scripts/throwaway_db.sh.
set -uo pipefail
. "$(dirname "$0")/lib.sh"

LOG=$1
find_odoo || { say "$ODOO_MISSING"; exit 1; }

. "$(dirname "$0")/throwaway_db.sh"

TAGS=${ODOO_TEST_TAGS:-/$ADDON_NAME}
say "installing $ADDON_NAME fresh and running tests ($TAGS); full log: $LOG"
T0=$(date +%s)
run_odoo "$LOG" -c "$RUN_DIR/odoo.conf" -d "$DB" -i "$ADDON_NAME" --without-demo=all \
    --test-tags "$TAGS" --stop-after-init --log-level=info
RC=$?
"$PYTHON" "$ADDON_DIR/scripts/count_results.py" odoo-report "$LOG"
say "Odoo tier: $(( $(date +%s) - T0 )) s"
exit $RC
