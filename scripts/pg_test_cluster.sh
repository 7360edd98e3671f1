#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the tests (a CTest fixture runs it; nothing else needs it):
#   pg_test_cluster.sh start URLFILE   initdb in a fresh /tmp directory, start on a free loopback
#                                      port, write the libpq connection string to URLFILE
#   pg_test_cluster.sh restart URLFILE restart that cluster (same port), as an operator's restart does
#   pg_test_cluster.sh stop URLFILE    stop that cluster and delete it
# Runs the server as the `postgres` user when called as root (PostgreSQL refuses root). Durability
# is switched off (fsync, synchronous_commit): the data dies with the test run anyway.
set -euo pipefail
cmd=${1:?start|stop}
urlfile=${2:?URLFILE}
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)
if [[ -z "$bin" || ! -x "$bin/initdb" ]]; then
  echo "pg_test_cluster: PostgreSQL server binaries not found under /usr/lib/postgresql (apt-get install postgresql)" >&2
  exit 1
fi
as_pg() {
  if [[ $(id -u) -eq 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi
}

case $cmd in
start)
  dir=$(mktemp -d /tmp/lgw-pgtest.XXXXXX)
  [[ $(id -u) -eq 0 ]] && chown postgres:postgres "$dir"
  as_pg "$bin/initdb" -D "$dir/data" -U lgw -A trust -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 || {
    cat "$dir/initdb.log" >&2
    exit 1
  }
  for _ in $(seq 1 20); do
    port=$((20000 + RANDOM % 40000))
    if as_pg "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 start \
         -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off \
             -c full_page_writes=off -c max_connections=400 -c shared_buffers=64MB" >/dev/null 2>&1; then
      mkdir -p "$(dirname "$urlfile")"
      echo "host=127.0.0.1 port=$port user=lgw dbname=postgres connect_timeout=10" >"$urlfile"
      echo "$dir" >"$urlfile.dir"
      echo "pg_test_cluster: PostgreSQL on 127.0.0.1:$port ($dir)"
      exit 0
    fi
  done
  echo "pg_test_cluster: the server did not start; its log:" >&2
  cat "$dir/server.log" >&2 || true
  exit 1
  ;;
restart)
  dir=$(cat "$urlfile.dir")
  as_pg "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -m fast -w -t 60 restart >/dev/null
  ;;
stop)
  [[ -f "$urlfile.dir" ]] || exit 0
  dir=$(cat "$urlfile.dir")
  as_pg "$bin/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$dir" "$urlfile" "$urlfile.dir"
  ;;
*)
  echo "usage: $0 start|restart|stop URLFILE" >&2
  exit 2
  ;;
esac
