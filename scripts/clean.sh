#!/usr/bin/env bash
# make clean: remove every folder the tooling makes, after stopping the PostgreSQL
# clusters that run from them (make dev's, make demo's).
set -uo pipefail
. "$(dirname "$0")/lib.sh"

# .dev/SERIES/pg, .demo/SERIES/pg, or the same under CHECKOUT_TMP (lib.sh, cluster_dir);
# .dev/pg and .demo/pg: where they were before there was a folder per series
for cluster in "$ADDON_DIR"/.dev/pg "$ADDON_DIR"/.demo/pg "$ADDON_DIR"/.dev/*/pg "$ADDON_DIR"/.demo/*/pg \
    "$CHECKOUT_TMP"/.dev/*/pg "$CHECKOUT_TMP"/.demo/*/pg; do
    if pg_running "$cluster"; then
        say "stopping the cluster in $cluster"
        pg_stop "$cluster" fast
    fi
done
cd "$ADDON_DIR" || exit 1
# .cache: template clusters; .test-logs: make test; .dev: make dev; .demo: make demo;
# bench/.run: make bench; the caches of hypothesis, ruff and pytest; Python's bytecode
FOLDERS=(.cache .test-logs .dev .demo bench/.run .hypothesis .ruff_cache .pytest_cache)
say "removing ${FOLDERS[*]} and __pycache__"
rm -rf "${FOLDERS[@]}"
find . -path ./.git -prune -o -type d -name __pycache__ -prune -exec rm -rf {} +
# make dev's addons-path link and the clusters closed to PostgreSQL's user, outside the
# project (lib.sh, CHECKOUT_TMP)
rm -rf "$CHECKOUT_TMP"
