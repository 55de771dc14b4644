#!/usr/bin/env bash
# make bench: measure the portal and the engine against Odoo's own pages and actions
# on a private throwaway database; writes bench/RESULTS.md (see bench/run.py).
# BENCH_ONLY=pages|cancel|bulk|load runs one measurement and only prints it.
set -uo pipefail
. "$(dirname "$0")/lib.sh"
find_odoo || { say "Odoo 18.0 is needed for the benchmark: $ODOO_MISSING"; exit 1; }
. "$(dirname "$0")/throwaway_db.sh"

T0=$(date +%s)
say "installing $ADDON_NAME (no demo data)"
run_odoo "$RUN_DIR/install.log" -c "$RUN_DIR/odoo.conf" -d "$DB" -i "$ADDON_NAME" --without-demo=all \
    --stop-after-init || { tail -n 30 "$RUN_DIR/install.log"; exit 1; }
TZ=UTC "$PYTHON" "$ADDON_DIR/bench/run.py" --conf "$RUN_DIR/odoo.conf" --db "$DB" --out "$ADDON_DIR/bench/RESULTS.md" \
    ${BENCH_ONLY:+--only "$BENCH_ONLY"}
RC=$?
say "make bench: $(( $(date +%s) - T0 )) s"
exit $RC
