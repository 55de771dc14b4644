# Shared helpers for setup, test, demo and bench. Source it; do not run it.
# shellcheck shell=bash

ADDON_NAME=booking_change_request
ADDON_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
PYTHON=${PYTHON:-python3}
# Modules installed with the addon; the template database holds exactly these.
ADDON_DEPENDS=$("$PYTHON" -c "import ast,sys; print(','.join(ast.literal_eval(open(sys.argv[1]).read())['depends']))" "$ADDON_DIR/__manifest__.py")

say() { printf '%s\n' "$*"; }
loud() { printf '\n#### %s ####\n\n' "$*"; }

# Odoo: importable in $PYTHON, or a source tree in $ODOO_PATH. Sets ODOO_SRC.
find_odoo() {
    ODOO_SRC=""
    if [ -n "${ODOO_PATH:-}" ]; then
        if [ -f "$ODOO_PATH/odoo/__init__.py" ]; then
            ODOO_SRC=$(cd "$ODOO_PATH" && pwd)
            export PYTHONPATH="$ODOO_SRC${PYTHONPATH:+:$PYTHONPATH}"
        else
            ODOO_MISSING="ODOO_PATH=$ODOO_PATH holds no odoo/__init__.py"
            return 1
        fi
    fi
    local found
    if ! found=$("$PYTHON" -c 'import os, odoo.release as r; print(os.path.dirname(os.path.dirname(r.__file__)), r.serie)' 2>/dev/null); then
        ODOO_MISSING="'$PYTHON -c \"import odoo\"' fails and ODOO_PATH is not set"
        return 1
    fi
    ODOO_SRC=${found% *}
    local serie=${found##* }
    if [ "$serie" != "18.0" ]; then
        ODOO_MISSING="Odoo $serie found in $ODOO_SRC, this addon needs Odoo 18.0"
        return 1
    fi
    return 0
}

# The addons path: Odoo's own folders plus a folder holding a link named after
# the addon, because Odoo takes a module's name from its directory's name and a
# clone may live in a directory of any name.
make_addons_path() {  # $1: a scratch folder
    mkdir -p "$1/addons"
    ln -sfn "$ADDON_DIR" "$1/addons/$ADDON_NAME"
    local path="$ODOO_SRC/odoo/addons"
    [ -d "$ODOO_SRC/addons" ] && path="$ODOO_SRC/addons,$path"
    ADDONS_PATH="$path,$1/addons"
}

pg_bindir() {
    if command -v initdb >/dev/null 2>&1; then
        dirname "$(command -v initdb)"
        return
    fi
    local dir
    dir=$(find /usr/lib/postgresql -maxdepth 2 -name bin -type d 2>/dev/null | sort -V | tail -n 1)
    [ -n "$dir" ] && [ -x "$dir/initdb" ] && echo "$dir"
}

# PostgreSQL refuses to run as root: as root, the cluster belongs to 'postgres'
# (created by Debian's package) or, failing that, 'nobody'.
pg_os_user() {
    if [ "$(id -u)" != 0 ]; then id -un
    elif id postgres >/dev/null 2>&1; then echo postgres
    else echo nobody
    fi
}

as_pg_user() {
    if [ "$(id -u)" = 0 ]; then
        runuser -u "$PG_OS_USER" -- "$@"
    else
        "$@"
    fi
}

# A private cluster in $1 (data in $1/data, socket in $1), listening on no TCP port.
pg_init() {  # $1: cluster folder
    PG_BIN=$(pg_bindir) || { say "PostgreSQL server binaries (initdb) not found: run 'make setup'"; return 1; }
    PG_OS_USER=$(pg_os_user)
    mkdir -p "$1"
    [ "$(id -u)" = 0 ] && chown "$PG_OS_USER" "$1"
    as_pg_user "$PG_BIN/initdb" -D "$1/data" -U odoo --auth=trust -E UTF8 --locale=C.UTF-8 >"$1/initdb.log" 2>&1 \
        || { cat "$1/initdb.log"; return 1; }
}

pg_start() {  # $1: cluster folder
    PG_BIN=$(pg_bindir)
    PG_OS_USER=$(pg_os_user)
    as_pg_user "$PG_BIN/pg_ctl" -D "$1/data" -l "$1/server.log" -w -t 60 \
        -o "-k $1 -c listen_addresses='' -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
        start >/dev/null || { cat "$1/server.log"; return 1; }
}

pg_stop() {  # $1: cluster folder; $2: fast (default) or immediate
    [ -f "$1/data/postmaster.pid" ] || return 0
    PG_BIN=$(pg_bindir)
    PG_OS_USER=$(pg_os_user)
    as_pg_user "$PG_BIN/pg_ctl" -D "$1/data" -m "${2:-fast}" -w stop >/dev/null 2>&1 || true
}

free_port() {
    "$PYTHON" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

write_odoo_conf() {  # $1: file, $2: cluster folder, $3: data dir, $4: http port
    cat >"$1" <<EOF
[options]
addons_path = $ADDONS_PATH
data_dir = $3
db_host = $2
db_port = 5432
db_user = odoo
db_password = False
http_interface = 127.0.0.1
http_port = $4
gevent_port = $(( $4 + 3 ))
list_db = False
admin_passwd = $(head -c 18 /dev/urandom | base64)
EOF
}

odoo_bin() {
    "$PYTHON" "$ADDON_DIR/scripts/odoo_launch.py" "$@"
}
