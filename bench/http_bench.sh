#!/usr/bin/env bash
# HTTP throughput and tail latency of the gateway, measured with wrk from a second process on
# loopback. Starts its own gateway (build/licence-gateway, embedded default config, throwaway data
# directory, log level warn) on a free port, then for 64 and 256 connections measures:
#   healthz   GET /healthz                                  (baseline: no auth, no store)
#   app_get   GET /v1/applications/{id} with a Bearer key    (auth + SQLite read on the blocking pool)
#   validate  POST /v1/identity-codes/validate JSON body     (auth + JSON parse + GB 32100 check)
# and prints requests/s, p50 and p99, and each route's throughput as a ratio of the baseline's.
# Usage: bench/http_bench.sh [seconds per run, default 10]
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-10}
bin=build/licence-gateway
[[ -x $bin ]] || { echo "build first: cmake -S . -B build -G Ninja && cmake --build build" >&2; exit 1; }
command -v wrk >/dev/null || { echo "wrk is missing: bash scripts/bootstrap.sh" >&2; exit 1; }

work=$(mktemp -d)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
# wrk's connections all come from 127.0.0.1: the per-client limit is the bench's, not a client's.
sed -e 's/^level = "info"/level = "warn"/' -e 's/^max_connections_per_client = .*/max_connections_per_client = 0/' \
  config/gateway.toml > "$work/gateway.toml"
OMP_THREAD_LIMIT=1 "$bin" serve --config "$work/gateway.toml" --listen "127.0.0.1:$port" --data-dir "$work/var" \
  > "$work/gateway.log" 2>&1 &
gw=$!
trap 'kill $gw 2>/dev/null; wait $gw 2>/dev/null; rm -rf "$work"' EXIT
for _ in $(seq 50); do curl -fs "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.1; done
base="http://127.0.0.1:$port"
curl -fs -X PUT "$base/v1/applications/BENCH1" -H 'Authorization: Bearer demo-frontdesk' \
  -H 'Content-Type: application/json' \
  -d '{"customer_category":"high_voltage","customer_name":"基准测试有限公司","phone":"13800001111"}' >/dev/null

cat > "$work/get.lua" <<'LUA'
wrk.headers["Authorization"] = "Bearer demo-frontdesk"
LUA
cat > "$work/validate.lua" <<'LUA'
wrk.method = "POST"
wrk.headers["Authorization"] = "Bearer demo-frontdesk"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"code":"91110102MA01C7Q59Y"}'
LUA

declare -A rps
run() {  # name connections url [script]
  local name=$1 conns=$2 url=$3 script=${4:-}
  local args=(-t 2 -c "$conns" -d "${secs}s" --latency)
  [[ -n $script ]] && args+=(-s "$script")
  local out; out=$(wrk "${args[@]}" "$url")
  local r p50 p99 errs
  r=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
  p50=$(awk '$1=="50%" {print $2}' <<<"$out")
  p99=$(awk '$1=="99%" {print $2}' <<<"$out")
  errs=$(awk '/Non-2xx|Socket errors/ {print}' <<<"$out" | tr '\n' ' ')
  rps[$name-$conns]=$r
  printf '%-9s c=%-4s %10s req/s  p50 %-9s p99 %-9s %s\n' "$name" "$conns" "$r" "$p50" "$p99" "$errs"
}

echo "licence-gateway HTTP benchmark: wrk -t2, ${secs}s per run, $(nproc) cores, io_threads=2 blocking_threads=4"
for c in 64 256; do
  run healthz "$c" "$base/healthz"
  run app_get "$c" "$base/v1/applications/BENCH1" "$work/get.lua"
  run validate "$c" "$base/v1/identity-codes/validate" "$work/validate.lua"
done
echo "ratio to the healthz baseline at the same connection count:"
for c in 64 256; do
  for n in app_get validate; do
    awk -v a="${rps[$n-$c]}" -v b="${rps[healthz-$c]}" -v n="$n" -v c="$c" \
      'BEGIN { printf "  %-9s c=%-4s %.2f\n", n, c, a / b }'
  done
done
