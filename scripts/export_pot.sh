#!/usr/bin/env bash
# make pot: regenerate i18n/booking_change_request.pot from a fresh install.
set -uo pipefail
. "$(dirname "$0")/lib.sh"
find_odoo || { say "Odoo ($SUPPORTED_SERIES) is needed to export translations: $ODOO_MISSING"; exit 1; }
. "$(dirname "$0")/throwaway_db.sh"

run_odoo "$RUN_DIR/install.log" -c "$RUN_DIR/odoo.conf" -d "$DB" -i "$ADDON_NAME" --without-demo=True \
    --stop-after-init || { tail -n 30 "$RUN_DIR/install.log"; exit 1; }
mkdir -p "$ADDON_DIR/i18n"
run_odoo "$RUN_DIR/export.log" -c "$RUN_DIR/odoo.conf" -d "$DB" --modules="$ADDON_NAME" \
    --i18n-export="$ADDON_DIR/i18n/$ADDON_NAME.pot" --stop-after-init || { tail -n 30 "$RUN_DIR/export.log"; exit 1; }
say "wrote i18n/$ADDON_NAME.pot ($(grep -c '^msgid' "$ADDON_DIR/i18n/$ADDON_NAME.pot") messages)"
