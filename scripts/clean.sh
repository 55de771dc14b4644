#!/usr/bin/env bash
# make clean: remove every folder the tooling makes, after stopping the PostgreSQL
# clusters that run from them (make dev's, make demo's).
set -uo pipefail
. "$(dirname "$0")/lib.sh"

for cluster in .dev/pg .demo/pg; do
    if pg_running "$ADDON_DIR/$cluster"; then
        say "stopping the cluster in $cluster"
        pg_stop "$ADDON_DIR/$cluster" fast
    fi
done
cd "$ADDON_DIR" || exit 1
# .cache: template clusters; .test-logs: make test; .dev: make dev; .demo: make demo;
# bench/.run: make bench; the caches of hypothesis, ruff and pytest; Python's bytecode
FOLDERS=(.cache .test-logs .dev .demo bench/.run .hypothesis .ruff_cache .pytest_cache)
say "removing ${FOLDERS[*]} and __pycache__"
rm -rf "${FOLDERS[@]}"
find . -path ./.git -prune -o -type d -name __pycache__ -prune -exec rm -rf {} +
# make dev's addons-path link, outside the project (scripts/dev.sh)
rm -rf "$DEV_LINK_DIR"
