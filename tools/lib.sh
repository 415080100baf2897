# shellcheck shell=bash
# Shared settings and helpers for tools/setup, tools/demo and tools/test.
# Source it; do not run it.
#
# Environment (all optional):
#   BACKFLUSH_VENV        virtualenv to use            (default: <repo>/.venv)
#   BACKFLUSH_PYTHON      interpreter for the venv     (default: python3.11, else python3 >= 3.11)
#   ODOO_SRC              Odoo 18.0 source tree        (default: /opt/odoo, else an earlier clone)
#   BACKFLUSH_ODOO_CLONE  where tools/setup and tools/demo clone Odoo when no source is found
#                         (default: ~/.cache/mrp_backflush/odoo-18.0)
#   BACKFLUSH_ODOO_GIT_URL  repository cloned (branch 18.0) (default: https://github.com/odoo/odoo)
#   BACKFLUSH_ADDON_DIR   addon folder linked into the addons path as mrp_backflush
#                         (default: the repository; point it at another addon to try the tooling)
#   BACKFLUSH_ADDONS_LINK_DIR  folder holding that link, outside the repository
#                         (default: ~/.cache/mrp_backflush/addons-<hash of the addon path>)
#   PGHOST, PGPORT        PostgreSQL server            (default: 127.0.0.1, 5432)
#   ODOO_DB_USER          PostgreSQL role Odoo uses    (default: odoo; never postgres)
#   ODOO_DB_PASSWORD      its password                 (default: none, e.g. trust/peer auth)
#   BACKFLUSH_HTTP_INTERFACE, BACKFLUSH_HTTP_PORT   web server address (default: 127.0.0.1, 8069)
#   BACKFLUSH_DEMO_DB     database of tools/demo       (default: backflush_demo)

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
VENV=${BACKFLUSH_VENV:-$REPO/.venv}
ADDON_NAME=mrp_backflush
ADDON_DIR=${BACKFLUSH_ADDON_DIR:-$REPO}
# Odoo finds the addon through a folder named mrp_backflush; a clone can have any name, so
# a link of that name is made. It lives outside the repository: a link back to the
# repository from inside it is a cycle for every tool that walks folders following links
# (Odoo's own translation export does).
ADDONS_LINK_DIR=${BACKFLUSH_ADDONS_LINK_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/mrp_backflush/addons-$(printf %s "$ADDON_DIR" | sha1sum | cut -c1-12)}
ODOO_CONF=$VENV/odoo.conf
ODOO_CLONE=${BACKFLUSH_ODOO_CLONE:-$HOME/.cache/mrp_backflush/odoo-18.0}
ODOO_GIT_URL=${BACKFLUSH_ODOO_GIT_URL:-https://github.com/odoo/odoo}
ODOO_BRANCH=18.0
PGHOST=${PGHOST:-127.0.0.1}
PGPORT=${PGPORT:-5432}
DB_USER=${ODOO_DB_USER:-odoo}
DB_PASSWORD=${ODOO_DB_PASSWORD:-}
HTTP_INTERFACE=${BACKFLUSH_HTTP_INTERFACE:-127.0.0.1}
HTTP_PORT=${BACKFLUSH_HTTP_PORT:-8069}
LOG_DIR=$VENV/log
# Bytecode caches go into the venv: nothing is written into the Odoo source tree.
PYTHONPYCACHEPREFIX=${PYTHONPYCACHEPREFIX:-$VENV/pycache}
export PGHOST PGPORT PYTHONPYCACHEPREFIX

# ---------------------------------------------------------------- output

say() { printf '==> %s\n' "$*"; }
warn() { printf 'warning: %s\n' "$*" >&2; }
die() {
    printf 'error: %s\n' "$*" >&2
    exit 1
}

# ---------------------------------------------------------------- python / venv

# The interpreter used to create the venv: python3.11, else python3 if it is 3.11+.
find_python() {
    local candidate
    for candidate in ${BACKFLUSH_PYTHON:-} python3.11 python3; do
        command -v "$candidate" >/dev/null 2>&1 || continue
        if "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
            echo "$candidate"
            return 0
        fi
    done
    return 1
}

venv_ok() { [[ -x $VENV/bin/python ]] && "$VENV/bin/python" -c 'import sys' 2>/dev/null; }

# ---------------------------------------------------------------- odoo source

# True if $1 is an Odoo 18.0 source tree.
odoo_src_valid() {
    local src=$1
    [[ -n $src && -f $src/odoo-bin && -f $src/odoo/release.py ]] &&
        grep -Eq '^version_info *= *\( *18 *, *0 *,' "$src/odoo/release.py"
}

# Prints the Odoo 18.0 source to use: $ODOO_SRC, /opt/odoo, or an existing clone.
# Never clones. Returns 1 if none is found.
find_odoo_src() {
    local src
    if [[ -n ${ODOO_SRC:-} ]] && ! odoo_src_valid "$ODOO_SRC"; then
        warn "ODOO_SRC=$ODOO_SRC is not an Odoo 18.0 source tree (no odoo-bin or not version 18.0)"
    fi
    for src in "${ODOO_SRC:-}" /opt/odoo "$ODOO_CLONE"; do
        if odoo_src_valid "$src"; then
            (cd "$src" && pwd -P)
            return 0
        fi
    done
    return 1
}

odoo_src_missing_reason() {
    echo "no Odoo 18.0 source at ${ODOO_SRC:-\$ODOO_SRC (unset)} or /opt/odoo; set ODOO_SRC"
}

# Shallow-clones Odoo 18.0 into $ODOO_CLONE (outside the repository).
clone_odoo() {
    local tmp
    say "no Odoo 18.0 source found: cloning $ODOO_GIT_URL ($ODOO_BRANCH) into $ODOO_CLONE"
    say "(a few hundred MB; set ODOO_SRC to use an existing Odoo 18.0 source instead)"
    mkdir -p "$(dirname "$ODOO_CLONE")"
    tmp=$ODOO_CLONE.partial.$$
    rm -rf "$tmp"
    if ! git clone --depth 1 --branch "$ODOO_BRANCH" "$ODOO_GIT_URL" "$tmp"; then
        rm -rf "$tmp"
        die "could not clone Odoo; set ODOO_SRC to an Odoo 18.0 source tree"
    fi
    rm -rf "$ODOO_CLONE"
    mv "$tmp" "$ODOO_CLONE"
}

# ---------------------------------------------------------------- addons path / config

# Odoo finds the addon only in a folder named mrp_backflush: link one to the checkout,
# and one to each bridge module of bridges/ (mrp_backflush_repair), which Odoo installs
# by itself where the apps it bridges are installed.
link_addon() {
    local bridge
    mkdir -p "$ADDONS_LINK_DIR"
    ln -sfn "$(cd "$ADDON_DIR" && pwd -P)" "$ADDONS_LINK_DIR/$ADDON_NAME"
    for bridge in "$ADDON_DIR"/bridges/*/; do
        [[ -f $bridge/__manifest__.py ]] || continue
        ln -sfn "$(cd "$bridge" && pwd -P)" "$ADDONS_LINK_DIR/$(basename "$bridge")"
    done
}

addon_link() { echo "$ADDONS_LINK_DIR/$ADDON_NAME"; }

# Writes $VENV/odoo.conf for the Odoo source $1.
write_odoo_conf() {
    local src=$1
    mkdir -p "$VENV/odoo-data" "$LOG_DIR"
    cat >"$ODOO_CONF" <<EOF
; Written by tools/lib.sh (tools/setup, tools/demo, tools/test): edits are overwritten.
[options]
db_host = $PGHOST
db_port = $PGPORT
db_user = $DB_USER
db_password = ${DB_PASSWORD:-False}
addons_path = $src/addons,$src/odoo/addons,$ADDONS_LINK_DIR
data_dir = $VENV/odoo-data
http_interface = $HTTP_INTERFACE
http_port = $HTTP_PORT
EOF
}

# Runs odoo-bin of the source $ODOO in the venv.
odoo_bin() { "$VENV/bin/python" "$ODOO/odoo-bin" "$@"; }

# A free TCP port on 127.0.0.1 (for the HTTP server odoo-bin starts while testing).
free_port() {
    "$VENV/bin/python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# True if something listens on $HTTP_INTERFACE:$1.
port_in_use() { (exec 3<>"/dev/tcp/${HTTP_INTERFACE/0.0.0.0/127.0.0.1}/$1") 2>/dev/null; }

# in_dir DIR CMD...: runs CMD (a command or a function) in DIR.
in_dir() { (cd "$1" && shift && "$@"); }

# run_logged LOG FILTER CMD...: runs CMD with its output saved to LOG and shown on the
# terminal through the function FILTER; returns CMD's exit code.
run_logged() {
    local log=$1 filter=$2 rcfile rc
    shift 2
    mkdir -p "$(dirname "$log")"
    rcfile=$(mktemp)
    {
        rc=0
        "$@" || rc=$?
        echo "$rc" >"$rcfile"
    } 2>&1 | tee "$log" | "$filter"
    rc=$(cat "$rcfile")
    rm -f "$rcfile"
    return "${rc:-1}"
}

# ---------------------------------------------------------------- postgres

# Runs python with psycopg2 in the venv to run one SQL statement on database $1 as the
# Odoo role; prints the first column of each row.
db_query() {
    local db=$1 sql=$2
    DB="$db" SQL="$sql" DB_USER="$DB_USER" DB_PASSWORD="$DB_PASSWORD" "$VENV/bin/python" - <<'EOF'
import os
import sys

import psycopg2

try:
    conn = psycopg2.connect(
        dbname=os.environ["DB"], user=os.environ["DB_USER"],
        password=os.environ["DB_PASSWORD"] or None,
        host=os.environ["PGHOST"], port=os.environ["PGPORT"],
    )
except psycopg2.OperationalError as err:
    sys.exit(f"cannot connect: {err}".strip())
conn.autocommit = True
with conn.cursor() as cr:
    cr.execute(os.environ["SQL"])
    if cr.description:
        for row in cr.fetchall():
            print(row[0])
EOF
}

db_role_works() { db_query postgres 'SELECT 1' >/dev/null 2>&1; }

# Makes sure the Odoo role exists and can connect; creates it as postgres if missing.
# Returns 1 (with a message saying what to do) if that fails.
ensure_db_role() {
    if [[ $DB_USER == postgres ]]; then
        printf 'error: %s\n' "Odoo refuses to run as the PostgreSQL user postgres: set ODOO_DB_USER to another role" >&2
        return 1
    fi
    local err
    err=$(db_query postgres 'SELECT 1' 2>&1 >/dev/null) && return 0
    say "cannot connect to PostgreSQL at $PGHOST:$PGPORT as $DB_USER (${err:-unknown error})"
    say "creating the role: psql -h $PGHOST -p $PGPORT -U postgres -c 'CREATE ROLE $DB_USER LOGIN CREATEDB'"
    if psql -w -h "$PGHOST" -p "$PGPORT" -U postgres -d postgres -v ON_ERROR_STOP=1 \
        -c "CREATE ROLE \"$DB_USER\" LOGIN CREATEDB" && db_role_works; then
        return 0
    fi
    printf 'error: %s\n' "could not create or use the PostgreSQL role $DB_USER on $PGHOST:$PGPORT.
Ask an administrator to run:  psql -U postgres -c 'CREATE ROLE $DB_USER LOGIN CREATEDB'
(or set ODOO_DB_USER / ODOO_DB_PASSWORD / PGHOST / PGPORT to an existing role and server)" >&2
    return 1
}

db_exists() {
    [[ $(db_query postgres "SELECT 1 FROM pg_database WHERE datname = '$1'") == 1 ]]
}

# State of module $2 in database $1 (installed, uninstalled, to upgrade, ...), empty if none.
db_module_state() {
    db_query "$1" "SELECT state FROM ir_module_module WHERE name = '$2'" 2>/dev/null || true
}

# Drops database $1 and its filestore.
db_drop() {
    local db=$1
    db_query postgres "DROP DATABASE IF EXISTS \"$db\" WITH (FORCE)" >/dev/null
    rm -rf "$VENV/odoo-data/filestore/$db"
}

# ---------------------------------------------------------------- odoo logs

# Reads an Odoo log on stdin and prints the entries that make a run fail: every ERROR or
# CRITICAL entry, and every WARNING except Python's own warnings about third-party
# packages of the venv (DeprecationWarnings that Odoo's pinned dependencies print when
# first compiled). Continuation lines (tracebacks) follow their entry. $1, the database,
# is kept for callers; the addon's own messages are never filtered out.
odoo_log_problems() {
    awk '
        /^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9:,]+ [0-9]+ [A-Z]+ / {
            level = $4
            third_party = ($6 == "py.warnings:" && index($0, "/site-packages/") > 0)
            show = (level == "ERROR" || level == "CRITICAL" ||
                    (level == "WARNING" && !third_party))
            if (show) print
            next
        }
        show { print }
    '
}

# The test counts line of an Odoo run: "N failed, N error(s) of N tests".
odoo_log_test_result() {
    grep -Eo '[0-9]+ failed, [0-9]+ error\(s\) of [0-9]+ tests when loading database' "$1" |
        tail -n 1 | sed 's/ when loading database//'
}

# The browser tours in an Odoo test log ($1): "<ran> <not run> <first reason>". Tours are
# the tests of tests/test_tour_*.py; Odoo skips them (SkipTest) without a Chromium or
# without websocket-client, and a skipped tour is NOT RUN, never passed.
odoo_log_tours() {
    local started skipped reason
    started=$(grep -cE 'mrp_backflush[a-z_]*\.tests\.test_tour_[a-z_]+: Starting ' "$1" || true)
    skipped=$(grep -cE 'mrp_backflush[a-z_]*\.tests\.test_tour_[a-z_]+: skipped ' "$1" || true)
    reason=$(grep -E 'mrp_backflush[a-z_]*\.tests\.test_tour_[a-z_]+: skipped ' "$1" | head -n 1 |
        sed -E 's/.* skipped .* : //')
    echo "$((started - skipped)) $skipped ${reason:-}"
}

# Live view of an Odoo log (stdin): warnings, errors and progress milestones.
odoo_log_highlights() {
    grep --line-buffered -E \
        ' (WARNING|ERROR|CRITICAL) |odoo\.modules\.loading: (loading [0-9]+ modules|[0-9]+ modules loaded)|odoo\.tests\.(result|stats)|post-tests in|Starting post tests' ||
        true
}
