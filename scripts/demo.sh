#!/usr/bin/env bash
# make demo: a persistent private PostgreSQL under .demo/SERIES/, a database with the
# addon and its demo data, and Odoo serving on http://localhost:8069. The series is
# that of the Odoo named by ODOO_PATH / ODOO_PYTHON (else python3's), each with its own
# database; the cluster lives under /tmp when PostgreSQL's user cannot enter the
# checkout (lib.sh, cluster_dir). Running it again reuses the database (and updates the addon).
# DEMO_PORT changes the port; 'scripts/demo.sh shell' opens an Odoo shell on it.
# Every email the demo sends goes to a mail catcher on 127.0.0.1 (scripts/mail_catcher.py,
# started and stopped here), which keeps it in .demo/mail/ (open .demo/mail/index.html).
set -uo pipefail
. "$(dirname "$0")/lib.sh"

DB=bcr_demo
PORT=${DEMO_PORT:-8069}
find_odoo || { say "Odoo ($SUPPORTED_SERIES) is needed for the demo: $ODOO_MISSING"; exit 1; }

DEMO_DIR="$ADDON_DIR/.demo/$ODOO_SERIES"
mkdir -p "$DEMO_DIR"
chmod 755 "$ADDON_DIR/.demo" "$DEMO_DIR"
PG_DIR=$(cluster_dir "$DEMO_DIR/pg")
# the addons link lives outside the project: inside it, it would loop back into itself
LINK_DIR=$(mktemp -d "${TMPDIR:-/tmp}/bcr-demo.XXXXXX")
make_addons_path "$LINK_DIR"
write_odoo_conf "$DEMO_DIR/odoo.conf" "$PG_DIR" "$DEMO_DIR/data" "$PORT"
[ -f "$PG_DIR/data/PG_VERSION" ] || pg_init "$PG_DIR" || exit 1
if ! pg_running "$PG_DIR"; then  # also after a crash or a reboot left a stale postmaster.pid
    pg_start "$PG_DIR" || exit 1
fi
CATCHER_PID=""
trap '[ -z "$CATCHER_PID" ] || kill "$CATCHER_PID" 2>/dev/null; pg_stop "$PG_DIR" fast; rm -rf "$LINK_DIR"' EXIT
trap 'exit 130' INT TERM

# The mail catcher, and Odoo's outgoing mail pointed at it (Odoo uses the configuration
# file's server when the database has no outgoing mail server of its own)
MAIL_DIR="$ADDON_DIR/.demo/mail"
if [ "${1:-}" != shell ]; then
    "$PYTHON" -c "import aiosmtpd" 2>/dev/null || { say "the demo's mail catcher needs aiosmtpd: run 'make setup'"; exit 1; }
    SMTP_PORT=$(free_port)
    "$PYTHON" "$ADDON_DIR/scripts/mail_catcher.py" "$MAIL_DIR" "$SMTP_PORT" >"$DEMO_DIR/mail_catcher.log" 2>&1 &
    CATCHER_PID=$!
    printf 'smtp_server = 127.0.0.1\nsmtp_port = %s\n' "$SMTP_PORT" >>"$DEMO_DIR/odoo.conf"
fi

if psql -h "$PG_DIR" -U odoo -d postgres -Atc "SELECT 1 FROM pg_database WHERE datname = '$DB'" | grep -q 1; then
    say "demo database: reusing $DB (updating $ADDON_NAME)"
    INSTALL=(-u "$ADDON_NAME")
else
    say "demo database: creating $DB with demo data on Odoo $ODOO_SERIES (about a minute)"
    INSTALL=(-i "$ADDON_NAME")
    # 18.0 loads demo data unless told not to; 19.0 only when told to (an option 18.0 lacks)
    [ "$ODOO_SERIES" = 18.0 ] || INSTALL+=(--with-demo)
fi
T0=$(date +%s)
odoo_bin -c "$DEMO_DIR/odoo.conf" -d "$DB" "${INSTALL[@]}" --stop-after-init --log-level=warn \
    >"$DEMO_DIR/install.log" 2>&1 || { tail -n 40 "$DEMO_DIR/install.log"; exit 1; }
say "  done in $(( $(date +%s) - T0 )) s"
# the emails' links lead here, whoever logs in first and from wherever
psql -h "$PG_DIR" -U odoo -d "$DB" -q -c "
    INSERT INTO ir_config_parameter (key, value, create_uid, write_uid, create_date, write_date)
    VALUES ('web.base.url', 'http://localhost:$PORT', 1, 1, now(), now()),
           ('web.base.url.freeze', 'True', 1, 1, now(), now())
    ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value"

if [ "${1:-}" = shell ]; then
    odoo_bin shell -c "$DEMO_DIR/odoo.conf" -d "$DB" --log-level=warn
    exit
fi

cat <<EOF

  Booking change requests demo: http://localhost:$PORT/web/login
  (Odoo $ODOO_SERIES, database $DB; stop with Ctrl-C; run 'make demo' again to come back to it)

  administrator     admin / admin          backend: Sales > Orders > Booking requests
  portal customer   alice / alice          http://localhost:$PORT/my/bookings
  portal customer   bob / bob
  field worker      walker / walker        Discuss inbox: alerts of cancelled or moved visits

  emails sent       file://$MAIL_DIR/index.html
                    (each as the recipient reads it; its links work logged out)

EOF
odoo_bin -c "$DEMO_DIR/odoo.conf" -d "$DB" --db-filter="^$DB\$" --log-level=warn
