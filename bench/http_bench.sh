#!/usr/bin/env bash
# HTTP throughput and tail latency of the gateway, measured with wrk from a second process on
# loopback. Starts its own gateway (build/licence-gateway, embedded default config, throwaway data
# directory, log level warn) on a free port, then for 64 and 256 connections measures:
#   healthz   GET /healthz                                  (baseline: no auth, no store)
#   app_get   GET /v1/applications/{id} with a Bearer key    (auth + SQLite read on the blocking pool)
#   validate  POST /v1/identity-codes/validate JSON body     (auth + JSON parse + GB 32100 check)
# and prints requests/s, p50 and p99, and each route's throughput as a ratio of the baseline's.
# The peer, in the same run: nginx (Debian's package, its own config on a free port, access log
# off, one worker per core) answering /healthz and /v1/applications/{id} with the bytes the gateway
# answered, so healthz_vs_nginx and app_get_vs_nginx compare the same wrk against the same JSON.
# Then the gateway's resident memory: after start-up, after the runs, and (LGW_SOAK_S seconds of
# wrk at 256 connections on the authenticated read, default 0 = skipped) after a soak.
# Prints "ratio healthz_vs_nginx X" and "ratio app_get_vs_nginx X" (the lower of 64 and 256
# connections) for bench/ratios.sh.
# Usage: bench/http_bench.sh [seconds per run, default 10]
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-10}
bin=build/licence-gateway
[[ -x $bin ]] || { echo "build first: cmake -S . -B build -G Ninja && cmake --build build" >&2; exit 1; }
command -v wrk >/dev/null || { echo "wrk is missing: bash scripts/bootstrap.sh" >&2; exit 1; }
command -v nginx >/dev/null || [[ -x /usr/sbin/nginx ]] || { echo "nginx is missing: bash scripts/bootstrap.sh" >&2; exit 1; }
nginx_bin=$(command -v nginx || echo /usr/sbin/nginx)

work=$(mktemp -d)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
# wrk's connections all come from 127.0.0.1: the per-client limit is the bench's, not a client's.
sed -e 's/^level = "info"/level = "warn"/' -e 's/^max_connections_per_client = .*/max_connections_per_client = 0/' \
  config/gateway.toml > "$work/gateway.toml"
OMP_THREAD_LIMIT=1 "$bin" serve --config "$work/gateway.toml" --listen "127.0.0.1:$port" --data-dir "$work/var" \
  > "$work/gateway.log" 2>&1 &
gw=$!
ngx=""
trap 'kill $gw $ngx 2>/dev/null; wait $gw $ngx 2>/dev/null; rm -rf "$work"' EXIT
for _ in $(seq 50); do curl -fs "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.1; done
base="http://127.0.0.1:$port"
curl -fs -X PUT "$base/v1/applications/BENCH1" -H 'Authorization: Bearer demo-frontdesk' \
  -H 'Content-Type: application/json' \
  -d '{"customer_category":"high_voltage","customer_name":"基准测试有限公司","phone":"13800001111"}' >/dev/null

# The peer answers with the gateway's own bytes.
curl -fs "$base/healthz" > "$work/healthz.json"
curl -fs "$base/v1/applications/BENCH1" -H 'Authorization: Bearer demo-frontdesk' > "$work/app.json"
grep -q "'" "$work/healthz.json" "$work/app.json" && { echo "a body holds a quote nginx's config cannot carry" >&2; exit 1; }
nport=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
mkdir -p "$work/nginx"
cat > "$work/nginx/nginx.conf" <<NGINX
worker_processes $(nproc);
pid $work/nginx/nginx.pid;
error_log $work/nginx/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path $work/nginx/body;
  proxy_temp_path $work/nginx/proxy;
  fastcgi_temp_path $work/nginx/fastcgi;
  uwsgi_temp_path $work/nginx/uwsgi;
  scgi_temp_path $work/nginx/scgi;
  server {
    listen 127.0.0.1:$nport;
    default_type application/json;
    location = /healthz { return 200 '$(cat "$work/healthz.json")'; }
    location = /v1/applications/BENCH1 { return 200 '$(cat "$work/app.json")'; }
  }
}
NGINX
"$nginx_bin" -p "$work/nginx" -c "$work/nginx/nginx.conf" -g 'daemon off;' 2>"$work/nginx/start.log" &
ngx=$!
for _ in $(seq 50); do curl -fs "http://127.0.0.1:$nport/healthz" >/dev/null && break; sleep 0.1; done
cmp -s <(curl -fs "http://127.0.0.1:$nport/v1/applications/BENCH1") "$work/app.json" ||
  { echo "nginx does not answer the gateway's bytes:" >&2; cat "$work/nginx/start.log" >&2; exit 1; }
rss() { awk '/^VmRSS/ {print $2}' "/proc/$gw/status"; }  # kB
rss_start=$(rss)

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

echo "licence-gateway HTTP benchmark: wrk -t2, ${secs}s per run, $(nproc) cores, io_threads=2 blocking_threads=4; peer nginx $("$nginx_bin" -v 2>&1 | sed 's|.*/||'), $(nproc) workers"
for c in 64 256; do
  run healthz "$c" "$base/healthz"
  run app_get "$c" "$base/v1/applications/BENCH1" "$work/get.lua"
  run validate "$c" "$base/v1/identity-codes/validate" "$work/validate.lua"
  run nginx_healthz "$c" "http://127.0.0.1:$nport/healthz"
  run nginx_app "$c" "http://127.0.0.1:$nport/v1/applications/BENCH1" "$work/get.lua"
done
rss_runs=$(rss)
echo "ratio to the healthz baseline at the same connection count:"
for c in 64 256; do
  for n in app_get validate; do
    awk -v a="${rps[$n-$c]}" -v b="${rps[healthz-$c]}" -v n="$n" -v c="$c" \
      'BEGIN { printf "  %-9s c=%-4s %.2f\n", n, c, a / b }'
  done
done
echo "ratio to nginx answering the same bytes:"
for c in 64 256; do
  awk -v a="${rps[healthz-$c]}" -v b="${rps[nginx_healthz-$c]}" -v c="$c" 'BEGIN { printf "  healthz   c=%-4s %.2f\n", c, a / b }'
  awk -v a="${rps[app_get-$c]}" -v b="${rps[nginx_app-$c]}" -v c="$c" 'BEGIN { printf "  app_get   c=%-4s %.2f\n", c, a / b }'
done
if [[ ${LGW_SOAK_S:-0} -gt 0 ]]; then
  echo "soak: wrk -c 256 on app_get for ${LGW_SOAK_S}s"
  wrk -t 2 -c 256 -d "${LGW_SOAK_S}s" -s "$work/get.lua" "$base/v1/applications/BENCH1" | awk '/Requests\/sec|requests in/ {print "  " $0}'
fi
rss_end=$(rss)
echo "gateway resident memory: ${rss_start} kB after start-up, ${rss_runs} kB after the runs, ${rss_end} kB at the end"
echo "gateway peak resident memory: $(awk '/^VmHWM/ {print $2}' "/proc/$gw/status") kB"
awk -v a64="${rps[healthz-64]}" -v n64="${rps[nginx_healthz-64]}" -v a256="${rps[healthz-256]}" -v n256="${rps[nginx_healthz-256]}" \
  'BEGIN { r = a64 / n64; if (a256 / n256 < r) r = a256 / n256; printf "ratio healthz_vs_nginx %.2f\n", r }'
awk -v a64="${rps[app_get-64]}" -v n64="${rps[nginx_app-64]}" -v a256="${rps[app_get-256]}" -v n256="${rps[nginx_app-256]}" \
  'BEGIN { r = a64 / n64; if (a256 / n256 < r) r = a256 / n256; printf "ratio app_get_vs_nginx %.2f\n", r }'
awk -v s="$rss_runs" -v e="$rss_end" 'BEGIN { printf "ratio rss_end_vs_after_runs %.2f\n", e / s }' 
