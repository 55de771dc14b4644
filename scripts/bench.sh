#!/usr/bin/env bash
# make bench: measure the portal and the engine against Odoo's own pages and actions
# on a private throwaway database; writes bench/RESULTS.md (see bench/run.py).
# BENCH_ONLY=pages|slots|cancel|bulk|load|waitlist runs one measurement and only prints it;
# BENCH_ONLY=profile profiles ours in process (bench/.run/profile.txt, see bench/PROFILE.md),
# BENCH_ONLY=profile-bulk the bulk approval only (py-spy: pip install py-spy);
# BENCH_SIZES=1000,10000 sets the sizes the data grows to (default 100,1000,10000; one part: 100).
set -uo pipefail
. "$(dirname "$0")/lib.sh"
find_odoo || { say "Odoo ($SUPPORTED_SERIES) is needed for the benchmark: $ODOO_MISSING"; exit 1; }
. "$(dirname "$0")/throwaway_db.sh"

T0=$(date +%s)
# the machine's load before anything of ours runs (another engineer's tests count here)
BENCH_LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
export BENCH_LOAD_BEFORE
say "load average before the benchmark: $BENCH_LOAD_BEFORE ($(nproc) cores)"
say "installing $ADDON_NAME (no demo data)"
run_odoo "$RUN_DIR/install.log" -c "$RUN_DIR/odoo.conf" -d "$DB" -i "$ADDON_NAME" --without-demo=True \
    --stop-after-init || { tail -n 30 "$RUN_DIR/install.log"; exit 1; }
TZ=UTC "$ODOO_PY" "$ADDON_DIR/bench/run.py" --conf "$RUN_DIR/odoo.conf" --db "$DB" --out "$ADDON_DIR/bench/RESULTS.md" \
    ${BENCH_ONLY:+--only "$BENCH_ONLY"} ${BENCH_SIZES:+--sizes "$BENCH_SIZES"}
RC=$?
say "load average after the benchmark: $(cut -d' ' -f1-3 /proc/loadavg)"
say "make bench: $(( $(date +%s) - T0 )) s"
exit $RC
