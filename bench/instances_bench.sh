#!/usr/bin/env bash
# The consent -> verify -> fetch flow and the push, through real gateway processes: one instance on
# SQLite, one on PostgreSQL, two on PostgreSQL behind round-robin (bench/instances_bench.cpp is the
# driver). Starts its own throwaway PostgreSQL (scripts/pg_test_cluster.sh) and marketing receiver
# (`licence-gateway marketing-sim`); the government platform is each gateway's in-process simulator.
# Usage: bench/instances_bench.sh [flows, default 300] [concurrency, default 32]
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
flows=${1:-300}
conc=${2:-32}
cmake --build build --target licence-gateway lgw-instances-bench >/dev/null
bin=$root/build/licence-gateway
work=$(mktemp -d /tmp/lgw-instances-bench.XXXXXX)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  bash scripts/pg_test_cluster.sh stop "$work/pg.url" || true
  rm -rf "$work"
}
trap cleanup EXIT
bash scripts/pg_test_cluster.sh start "$work/pg.url" >/dev/null
export OMP_THREAD_LIMIT=1 LGW_BENCH_MARKETING_SECRET=marketing-secret-for-the-instances-bench

free_port() { # a port nothing listens on
  while :; do
    local p=$((20000 + RANDOM % 40000))
    (exec 3<>/dev/tcp/127.0.0.1/$p) 2>/dev/null || { echo $p; return; }
  done
}
wait_ready() {
  for _ in $(seq 1 300); do
    curl -fs "http://127.0.0.1:$1/readyz" >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  echo "instance on port $1 did not become ready" >&2
  exit 1
}

mport=$(free_port)
# config KIND DATA_DIR PORT SCHEMA -> a gateway config derived from the shipped one
config() {
  local kind=$1 dir=$2 port=$3 schema=$4 store
  if [[ $kind == postgres ]]; then
    store="kind = \"postgres\"\npostgres_url_file = \"$work/pg.url\"\npostgres_schema = \"$schema\"\npool_size = 8"
  else
    store="kind = \"sqlite\"\nsqlite_path = \"gateway.db\""
  fi
  sed -e "s|^data_dir = \"var\"|data_dir = \"$dir\"|" \
      -e "s|^listen = \"127.0.0.1:8080\"|listen = \"127.0.0.1:$port\"|" \
      -e "s|^level = \"info\"|level = \"warn\"|" \
      -e "s|^max_connections_per_client = .*|max_connections_per_client = 0|" \
      -e "/^kind = \"sqlite\"/d" -e "s|^sqlite_path = \"gateway.db\"|$store|" \
      -e "s|^mode = \"simulator\"         #|url = \"http://127.0.0.1:$mport/api/packages\"\nmode = \"http\" #|" \
      -e "s|^secret_file = \"marketing-secret\"|secret_env = \"LGW_BENCH_MARKETING_SECRET\"|" \
      -e "s|max = 5, window_s|max = 1000000, window_s|; s|max = 10, window_s|max = 1000000, window_s|; s|max = 300, window_s|max = 1000000, window_s|" \
      -e "s|\"config/|\"$root/config/|g" \
      config/gateway.toml
}

config sqlite "$work/receiver" "$mport" - | sed "s|^secret_env = .*|&\nsim_db_file = \"$work/received.db\"|" >"$work/receiver.toml"
mkdir -p "$work/receiver"
"$bin" marketing-sim --config "$work/receiver.toml" --listen "127.0.0.1:$mport" >"$work/receiver.log" 2>&1 &
pids+=($!)
wait_ready_receiver() {
  for _ in $(seq 1 100); do (exec 3<>/dev/tcp/127.0.0.1/$mport) 2>/dev/null && return 0; sleep 0.1; done
  echo "receiver did not start" >&2; exit 1
}
wait_ready_receiver

echo "flows=$flows concurrency=$conc, $(getconf _NPROCESSORS_ONLN) cores; each flow fetches an id card and a property certificate"
setup() { # LABEL KIND INSTANCES
  local label=$1 kind=$2 n=$3 dir="$work/$1" schema="bench_$RANDOM" ports=() started=()
  mkdir -p "$dir"
  for i in $(seq 1 "$n"); do
    local port
    port=$(free_port)
    config "$kind" "$dir" "$port" "$schema" >"$dir/instance$i.toml"
    "$bin" serve --config "$dir/instance$i.toml" >"$dir/instance$i.log" 2>&1 &
    pids+=($!)
    started+=($!)
    wait_ready "$port"  # the first instance writes the demo keys the next one reads
    ports+=("$port")
  done
  build/bench/lgw-instances-bench --label "$label" --ports "$(IFS=,; echo "${ports[*]}")" \
    --sms-log "$dir/sms.ndjson" --flows "$flows" --concurrency "$conc"
  for p in "${started[@]}"; do kill "$p"; done
}
setup sqlite-1-instance sqlite 1
setup postgres-1-instance postgres 1
setup postgres-2-instances postgres 2
