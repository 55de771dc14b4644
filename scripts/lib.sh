# Shared helpers for setup, test, demo and bench. Source it; do not run it.
# shellcheck shell=bash disable=SC2034  # it sets variables for the scripts that source it

ADDON_NAME=booking_change_request
ADDON_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
PYTHON=${PYTHON:-python3}
# Modules installed with the addon; the template database holds exactly these.
ADDON_DEPENDS=$("$PYTHON" -c "import ast,sys; print(','.join(ast.literal_eval(open(sys.argv[1]).read())['depends']))" "$ADDON_DIR/__manifest__.py")

# The test-only addons (test_addons/*, each depending on the addon), comma separated:
# installed and tested by make test and, on demand, by make test-one; never by make demo.
TEST_ADDONS=$(cd "$ADDON_DIR" && for m in test_addons/*/__manifest__.py; do [ -f "$m" ] && basename "$(dirname "$m")"; done | paste -sd, -)

# The folders of this checkout outside the project (make dev's and make demo's): the
# addons-path link (make_addons_path), which inside the project would loop back into it,
# and, when PostgreSQL's user cannot enter the checkout, their clusters (cluster_dir).
CHECKOUT_TMP="${TMPDIR:-/tmp}/bcr-$(id -u)-$(printf '%s' "$ADDON_DIR" | sha256sum | cut -c1-12)"

say() { printf '%s\n' "$*"; }
loud() { printf '\n#### %s ####\n\n' "$*"; }

# The series this addon supports (the manifest's bare version installs on each).
SUPPORTED_SERIES="18.0 19.0"

# The Odoo the tier runs against: ODOO_PATH, a source tree (recognised by
# odoo/release.py: an Odoo 19 tree has odoo-bin and odoo/init.py, and no
# odoo/__init__.py), started by ODOO_PYTHON (default: $PYTHON, python3); without
# ODOO_PATH, the Odoo that ODOO_PYTHON imports. Sets ODOO_SRC, ODOO_SERIES and ODOO_PY
# (the Python that runs Odoo, its tests and pytest-odoo; $PYTHON runs the static
# checks), or ODOO_MISSING. A tree named by ODOO_PATH or ODOO_PYTHON is remembered for
# the runs over every series (remember_odoo).
PYTHONPATH_GIVEN=${PYTHONPATH:-}  # find_odoo puts ODOO_PATH before it, once
find_odoo() {
    ODOO_SRC="" ODOO_SERIES="" ODOO_MISSING=""
    ODOO_PY=${ODOO_PYTHON:-$PYTHON}
    local src
    if [ -n "${ODOO_PATH:-}" ]; then
        if [ ! -f "$ODOO_PATH/odoo/release.py" ]; then
            ODOO_MISSING="ODOO_PATH=$ODOO_PATH is no Odoo source tree (it holds no odoo/release.py)"
            return 1
        fi
        src=$(cd "$ODOO_PATH" && pwd -P)
        export PYTHONPATH="$src${PYTHONPATH_GIVEN:+:$PYTHONPATH_GIVEN}"
    elif [ -n "$PYTHONPATH_GIVEN" ]; then
        export PYTHONPATH=$PYTHONPATH_GIVEN
    else
        unset PYTHONPATH
    fi
    local found
    if ! found=$(odoo_probe "$ODOO_PY"); then
        if [ -n "${ODOO_PATH:-}" ]; then
            ODOO_MISSING="'$ODOO_PY' cannot import Odoo from ODOO_PATH=$ODOO_PATH (set ODOO_PYTHON to the Python that runs it)"
        else
            ODOO_MISSING="'$ODOO_PY -c \"import odoo\"' fails and ODOO_PATH is not set"
        fi
        return 1
    fi
    ODOO_SRC=${found% *}
    local serie=${found##* }
    if [ -n "${ODOO_PATH:-}" ] && [ "$ODOO_SRC" != "$src" ]; then
        # an Odoo 19 tree is a namespace package: an Odoo 18 on the Python's path wins
        ODOO_MISSING="'$ODOO_PY' imports the Odoo of $ODOO_SRC, not ODOO_PATH=$ODOO_PATH (set ODOO_PYTHON to the Python that runs it)"
        return 1
    fi
    if [[ " $SUPPORTED_SERIES " != *" $serie "* ]]; then
        ODOO_MISSING="Odoo $serie found in $ODOO_SRC, this addon supports Odoo $SUPPORTED_SERIES"
        return 1
    fi
    ODOO_SERIES=$serie
    # (not when make test-all runs a series it found: only what a developer named)
    if [ -n "${ODOO_PATH:-}${ODOO_PYTHON:-}" ] && [ -z "${BCR_FOUND_SERIES:-}" ]; then
        remember_odoo "$ODOO_SRC" "$ODOO_PY"
    fi
    return 0
}

# "SOURCE SERIES" of the Odoo that Python $1 imports (PYTHONPATH as set); fails if none.
odoo_probe() {
    "$1" -c 'import os, odoo.release as r; print(os.path.dirname(os.path.dirname(os.path.realpath(r.__file__))), r.serie)' 2>/dev/null
}

# Every series this machine has, for make setup and make test-all (README, "Series"):
# one line "SERIES<tab>SOURCE<tab>PYTHON" per Odoo source tree, sorted by series, found
#   1. the Odoo named by ODOO_PATH / ODOO_PYTHON, when set;
#   2. the Odoo that $PYTHON (python3) imports;
#   3. the trees remembered in $ODOO_SERIES_FILE: every tree that a run was pointed at
#      with ODOO_PATH or ODOO_PYTHON (checked again each time: one gone is skipped);
#   4. the Odoo source trees (odoo-bin and odoo/release.py) in the folders beside this
#      checkout and beside its parent, or one level below them, each run by the Python
#      of a virtualenv beside it or in it (venv/, .venv/), else by $PYTHON.
# A tree whose Python cannot import it, or whose series is not supported, is skipped;
# of two trees of one series, the first found is kept.
ODOO_SERIES_FILE="${XDG_CONFIG_HOME:-${HOME:-$(getent passwd "$(id -u)" | cut -d: -f6)}/.config}/$ADDON_NAME/odoo-series"

remember_odoo() {  # $1: source tree, $2: its Python
    local py
    py=$(command -v "$2" 2>/dev/null) || py=$2
    case "$py" in /*) ;; *) py="$(pwd -P)/$py" ;; esac
    grep -qxF "$1	$py" "$ODOO_SERIES_FILE" 2>/dev/null && return 0
    mkdir -p "$(dirname "$ODOO_SERIES_FILE")" 2>/dev/null \
        && printf '%s\t%s\n' "$1" "$py" >>"$ODOO_SERIES_FILE" 2>/dev/null
    return 0
}

discover_series() {
    local candidates=() seen=" " series=" " line src py found serie dir tree
    [ -n "${ODOO_PATH:-}${ODOO_PYTHON:-}" ] && candidates+=("${ODOO_PATH:-}	${ODOO_PYTHON:-$PYTHON}")
    candidates+=("	$PYTHON")
    if [ -f "$ODOO_SERIES_FILE" ]; then
        while IFS= read -r line; do
            [ -n "$line" ] && candidates+=("$line")
        done <"$ODOO_SERIES_FILE"
    fi
    local parent grand
    parent=$(dirname "$ADDON_DIR")
    grand=$(dirname "$parent")
    for dir in "$parent" "$grand"; do
        [ "$dir" = / ] && continue
        for tree in "$dir"/*/ "$dir"/*/*/; do
            tree=${tree%/}
            [ -f "$tree/odoo-bin" ] && [ -f "$tree/odoo/release.py" ] || continue
            [ "$tree" = "$ADDON_DIR" ] && continue
            py=$PYTHON
            for venv in "$tree/../venv" "$tree/venv" "$tree/.venv"; do
                if [ -x "$venv/bin/python" ]; then py=$(cd "$venv" && pwd -P)/bin/python; break; fi
            done
            candidates+=("$tree	$py")
        done
    done
    for line in "${candidates[@]}"; do
        src=${line%%	*} py=${line#*	}
        if [ -n "$src" ]; then
            [ -f "$src/odoo/release.py" ] || continue
            src=$(cd "$src" && pwd -P)
            [[ "$seen" == *" $src "* ]] && continue
            found=$(PYTHONPATH="$src${PYTHONPATH_GIVEN:+:$PYTHONPATH_GIVEN}" odoo_probe "$py") || continue
            [ "${found% *}" = "$src" ] || continue
        else
            found=$(PYTHONPATH=$PYTHONPATH_GIVEN odoo_probe "$py") || continue
            src=${found% *}
            [[ "$seen" == *" $src "* ]] && continue
        fi
        seen="$seen$src "
        serie=${found##* }
        # the first tree of a series found is the one tested
        [[ " $SUPPORTED_SERIES " == *" $serie "* ]] && [[ "$series" != *" $serie "* ]] || continue
        series="$series$serie "
        printf '%s\t%s\t%s\n' "$serie" "$src" "$py"
    done | sort -V -s -k1,1
}

# The addons path: Odoo's own folders plus a folder holding a link named after
# the addon, because Odoo takes a module's name from its directory's name and a
# clone may live in a directory of any name. With "tests" as $2, also the test-only
# addons of test_addons/ (through the link, as pytest-odoo collects their tests): the
# third kind of booking that proves the README's recipe. make test and make test-one
# add them; make demo, make bench and make pot do not.
make_addons_path() {  # $1: a scratch folder, $2: "tests" to add test_addons/
    mkdir -p "$1/addons"
    ln -sfn "$ADDON_DIR" "$1/addons/$ADDON_NAME"
    local path="$ODOO_SRC/odoo/addons"
    [ -d "$ODOO_SRC/addons" ] && path="$ODOO_SRC/addons,$path"
    ADDONS_PATH="$path,$1/addons"
    if [ "${2:-}" = tests ] && [ -n "$TEST_ADDONS" ]; then
        ADDONS_PATH="$ADDONS_PATH,$1/addons/$ADDON_NAME/test_addons"
    fi
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
        # from /: the current folder may be closed to that user (paths given are absolute)
        (cd / && runuser -u "$PG_OS_USER" -- "$@")
    else
        "$@"
    fi
}

# Where a persistent cluster of this checkout lives (make dev's, make demo's): $1 (a
# folder of the checkout) when PostgreSQL's user may enter it, else the same name under
# CHECKOUT_TMP (a checkout under /root, or in a 'mktemp -d' folder, is closed to
# 'postgres'; the throwaway clusters of make test live in a temporary folder already).
cluster_dir() {  # $1: the cluster's folder in the checkout, e.g. .dev/19.0/pg
    if [ "$(id -u)" != 0 ] || runuser -u "$(pg_os_user)" -- test -x "$(dirname "$1")" 2>/dev/null; then
        echo "$1"
        return
    fi
    local dir="$CHECKOUT_TMP/${1#"$ADDON_DIR"/}"
    mkdir -p "$(dirname "$dir")"
    # every folder from CHECKOUT_TMP down opened to PostgreSQL's user
    local up=$dir
    while up=$(dirname "$up") && [ "${#up}" -ge "${#CHECKOUT_TMP}" ]; do chmod 755 "$up"; done
    echo "$dir"
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
    # without the lock files' descriptors (8, 9): a server holding them would hold the locks
    as_pg_user "$PG_BIN/pg_ctl" -D "$1/data" -l "$1/server.log" -w -t 60 \
        -o "-k $1 -c listen_addresses='' -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
        start >/dev/null 8>&- 9>&- || { cat "$1/server.log"; return 1; }
}

pg_stop() {  # $1: cluster folder; $2: fast (default) or immediate
    [ -f "$1/data/postmaster.pid" ] || return 0
    PG_BIN=$(pg_bindir)
    PG_OS_USER=$(pg_os_user)
    as_pg_user "$PG_BIN/pg_ctl" -D "$1/data" -m "${2:-fast}" -w stop >/dev/null 2>&1 || true
}

pg_running() {  # $1: cluster folder; a stale postmaster.pid (after a crash or a reboot) is not running
    [ -f "$1/data/postmaster.pid" ] || return 1
    PG_BIN=$(pg_bindir) || return 1
    PG_OS_USER=$(pg_os_user)
    as_pg_user "$PG_BIN/pg_ctl" -D "$1/data" status >/dev/null 2>&1
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
http_interface = 127.0.0.1
http_port = $4
gevent_port = $(( $4 + 3 ))
list_db = False
admin_passwd = $(head -c 18 /dev/urandom | base64)
EOF
}

odoo_bin() {
    "$ODOO_PY" "$ADDON_DIR/scripts/odoo_launch.py" "$@"
}

# Odoo runs in the background so that an interruption reaches the caller's trap at
# once; the trap calls stop_odoo.
ODOO_PID=""
run_odoo() {  # $1: log file, rest: odoo arguments
    local log=$1; shift
    "$ODOO_PY" "$ADDON_DIR/scripts/odoo_launch.py" "$@" >"$log" 2>&1 &  # a plain command: $! is Odoo itself
    ODOO_PID=$!
    wait "$ODOO_PID"
    local rc=$?
    ODOO_PID=""
    return $rc
}

stop_odoo() {
    [ -n "$ODOO_PID" ] || return 0
    kill "$ODOO_PID" 2>/dev/null
    # Odoo finishes its current test on SIGTERM: give it 5 s, then stop it for good
    for _ in 1 2 3 4 5; do kill -0 "$ODOO_PID" 2>/dev/null && sleep 1; done
    kill -KILL "$ODOO_PID" 2>/dev/null
    wait "$ODOO_PID" 2>/dev/null
    ODOO_PID=""
}

# The template: a stopped cluster holding database $TEMPLATE_DB with the addon's
# dependencies (portal, sale_management, ...) installed, which take most of the
# install time and do not change between runs. It is kept in .cache/ under a key of
# everything that could change it (Odoo's series and source, the dependency list, the
# PostgreSQL and Python versions), one per series; the throwaway test databases (throwaway_db.sh)
# and the development database (dev.sh) start as copies of it.
TEMPLATE_DB=bcr_test

template_key() {
    {
        echo "$ADDON_DEPENDS"
        echo "$ODOO_SERIES $ODOO_SRC $ODOO_PY"
        "$ODOO_PY" -c 'import sys, odoo.release as r; print(r.version_info, sys.version)'
        "$(pg_bindir)/postgres" --version
        # newest change anywhere in Odoo's source
        find "$ODOO_SRC/odoo" "$ODOO_SRC/addons" -type f -not -name '*.pyc' -printf '%T@\n' 2>/dev/null | sort -n | tail -n 1
    } | sha256sum | cut -c1-16
}

# Make $1 (a cluster folder that does not exist yet) a copy of the template, with the
# filestore in $2/filestore/$TEMPLATE_DB; the cluster is left stopped. Builds the
# template first when the cache has none for this key, in $1 itself, with the Odoo
# configuration file $3 (whose data_dir must be $2). Needs find_odoo.
template_copy() {  # $1: cluster folder, $2: Odoo data_dir, $3: odoo.conf
    local cache
    cache="$ADDON_DIR/.cache/template-$ODOO_SERIES-$(template_key)"
    mkdir -p "$ADDON_DIR/.cache"
    # one build at a time, and no copy of a template being replaced
    if command -v flock >/dev/null 2>&1; then
        exec 8>"$ADDON_DIR/.cache/lock"
        flock 8
    fi
    if [ -f "$cache/ready" ]; then
        say "template cluster: reusing $(basename "$cache") (dependencies already installed)"
        cp -a "$cache/pg" "$1"
        mkdir -p "$2/filestore"
        cp -a "$cache/filestore" "$2/filestore/$TEMPLATE_DB"
    else
        say "template cluster: building (first run; installs $ADDON_DEPENDS)"
        local t0 log
        t0=$(date +%s)
        log="$(dirname "$1")/template.log"
        if ! pg_init "$1" || ! pg_start "$1"; then
            exec 8>&-
            return 1
        fi
        run_odoo "$log" -c "$3" -d "$TEMPLATE_DB" -i "$ADDON_DEPENDS" \
            --without-demo=True --stop-after-init --log-level=warn \
            || { cat "$log"; exec 8>&-; return 1; }
        pg_stop "$1" fast
        rm -rf "$ADDON_DIR/.cache/template-$ODOO_SERIES"-*
        mkdir -p "$cache"
        cp -a "$1" "$cache/pg"
        rm -f "$cache/pg/server.log"
        cp -a "$2/filestore/$TEMPLATE_DB" "$cache/filestore"
        touch "$cache/ready"
        say "template cluster: built in $(( $(date +%s) - t0 )) s"
    fi
    exec 8>&-
}

# pytest-odoo on an existing database, as 'make test-one' runs it: sets the array
# PYTEST_CMD, for the caller to run ("${PYTEST_CMD[@]}"; its process is pytest's).
# pytest-odoo names a test module after the folder holding the manifest, so the
# tests are collected through the addons-path link (make_addons_path), whose name is
# the addon's; pytest starts in the link's folder, so the repository's own folders
# (tests, tools...) are not importable as top-level packages. HttpCase tests and
# tours run (--odoo-http); pytest's cache stays off (it would write into the addon).
pytest_odoo_cmd() {  # $1: odoo.conf, $2: database, $3: the addon's link, rest: pytest arguments
    local conf=$1 db=$2 link=$3
    shift 3
    PYTEST_CMD=(env -C "$(dirname "$link")" TZ=UTC "$ODOO_PY" -m pytest -p no:cacheprovider
        --rootdir="$link" --odoo-config="$conf" --odoo-database="$db" --odoo-http "$@")
}
