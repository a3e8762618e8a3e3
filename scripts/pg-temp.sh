#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the centre's tests, bench and demo: loopback only, trust auth
# on the socket and 127.0.0.1, in a directory of its own (no system cluster is touched).
#   scripts/pg-temp.sh start DIR PORT   → prints the connection URL
#   scripts/pg-temp.sh stop DIR
# As root, the server runs as the 'postgres' user (initdb refuses root).
set -euo pipefail
cmd=${1:?usage: pg-temp.sh start DIR PORT | stop DIR}
dir=${2:?directory}
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
[ -x "$bin/initdb" ] || { echo "pg-temp: PostgreSQL is not installed (apt-get install postgresql)" >&2; exit 1; }
as_owner() {
  # From /: the postgres user cannot enter a checkout inside a 0700 directory (a mktemp clone).
  if [ "$(id -u)" = 0 ]; then (cd / && runuser -u postgres -- "$@"); else "$@"; fi
}
case "$cmd" in
  start)
    port=${3:?port}
    # Tests need no durability; the bench sets PG_TEMP_DURABLE=1 to measure a real configuration.
    fast="-c fsync=off -c full_page_writes=off"
    [ "${PG_TEMP_DURABLE:-0}" = 1 ] && fast=""
    mkdir -p "$dir"
    [ "$(id -u)" = 0 ] && chown postgres: "$dir" && chmod 700 "$dir"
    as_owner "$bin/initdb" -D "$dir/data" -U camgate --auth=trust --no-sync -E UTF8 >"$dir/initdb.log" 2>&1 \
      || { cat "$dir/initdb.log" >&2; exit 1; }
    as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
      -o "-c listen_addresses=127.0.0.1 -p $port -k $dir $fast" start >/dev/null \
      || { cat "$dir/server.log" >&2; exit 1; }
    as_owner "$bin/createdb" -h 127.0.0.1 -p "$port" -U camgate centre
    echo "postgres://camgate@127.0.0.1:$port/centre"
    ;;
  stop)
    as_owner "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null
    ;;
  *) echo "usage: pg-temp.sh start DIR PORT | stop DIR" >&2; exit 2 ;;
esac
