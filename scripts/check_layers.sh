#!/usr/bin/env bash
# The include arrows of the architecture (README, Architecture), checked on the sources: the build
# checks what links what (lgw_check_layers in CMakeLists.txt), this checks what includes what, so
# that a header-only slip (an inline function, a type) cannot point up either. Run by ctest as
# `layering`; prints every offending line and exits 1 when there is one.
set -euo pipefail
cd "$(dirname "$0")/.."
status=0

# forbid FOLDER PATTERN WHY: no source under FOLDER may include a path matching PATTERN.
forbid() {
  local folder=$1 pattern=$2 why=$3 hits
  hits=$(grep -rnE --include='*.cpp' --include='*.hpp' "^#include [<\"]($pattern)" "$folder" || true)
  if [[ -n $hits ]]; then
    printf '%s\n%s\n\n' "layering: $why" "$hits" >&2
    status=1
  fi
}

forbid text '(security|imaging|config|ocr|adapters|ofd|gateway|simulators)/' "text/ is the lowest layer: it includes nothing of the project"
for low in security imaging config ocr adapters ofd; do
  forbid "$low" 'gateway/|simulators/' "$low/ is below the gateway and the simulators: it includes neither"
done
forbid security 'ocr/|adapters/|ofd/' "security/ is the lowest layer: it includes neither ocr/, adapters/ nor ofd/"
forbid ofd 'ocr/|adapters/|imaging/|config/' "ofd/ reads and verifies OFD files on security/ alone"
forbid gateway/http 'gateway/[^h]|gateway/h[^t]|simulators/' \
  "gateway/http is the transport: it includes no other part of gateway/ and no simulator"
forbid simulators 'gateway/[^h]|gateway/h[^t]' "simulators/ stand on the transport (gateway/http) only"
forbid gateway/services 'gateway/(api|app|cli)/|simulators/' \
  "gateway/services is the domain: it includes no route, wiring or command line"
# Of the transport, the services use the blocking pool, metrics and logging: never a request, a
# response, a route or a problem (those are the routes' business, in gateway/api).
forbid gateway/services 'gateway/http/(http_types|router|dispatcher|server|problem|json_body|auth|embedded_server|impl/)' \
  "gateway/services knows no HTTP: requests, responses and problems stay in gateway/api"
# And no wire format: a detail, a push body, an export line is encoded by the layer that owns the
# format (security/audit_detail, adapters/marketing/push_body, gateway/api/*).
forbid gateway/services 'boost/(json|beast|url)' \
  "gateway/services is the domain in C++ types: it includes no JSON, Beast or URL header"
forbid gateway/api 'gateway/(app|cli)/|simulators/' "gateway/api holds the routes: it includes no wiring or command line"
forbid gateway/app 'gateway/cli/' "gateway/app is the wiring: the command line stands on it, not the reverse"
# The product never includes test code; only the wiring (app, cli) starts a simulator.
for part in text security imaging config ocr adapters ofd gateway simulators; do
  forbid "$part" 'tests/' "$part/ is product code: it includes nothing from tests/"
done
hits=$(grep -rlE --include='*.cpp' --include='*.hpp' '^#include "simulators/' gateway \
         | grep -vE '^gateway/(app|cli)/' || true)
if [[ -n $hits ]]; then
  printf 'layering: only the wiring (gateway/app/app.cpp, gateway/cli/cli.cpp) starts a simulator; not:\n%s\n' "$hits" >&2
  status=1
fi

if ((status == 0)); then echo "layering: every include points down"; fi
exit $status
