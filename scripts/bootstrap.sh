#!/usr/bin/env bash
# Installs every Debian 12 package Licence Gateway needs to build, test, benchmark and run.
# Idempotent: when everything is present it prints nothing and exits 0 without touching apt.
set -euo pipefail

PACKAGES=(
  # toolchain
  g++ cmake ninja-build pkg-config git ca-certificates curl
  # libraries
  libboost1.81-dev libboost-json1.81-dev libboost-url1.81-dev
  libssl-dev libsqlite3-dev sqlite3 libspdlog-dev libfmt-dev libtomlplusplus-dev libcli11-dev
  libpq-dev
  # PostgreSQL server: the tests start a throwaway cluster (scripts/pg_test_cluster.sh)
  postgresql
  # imaging: licence images, watermarks (FreeType + a CJK font), JPEG/TIFF and unusual PNGs via
  # Leptonica; the 8-bit PNGs of copies and pushes coded with libdeflate (imaging/png_codec.cpp)
  libfreetype-dev libleptonica-dev libdeflate-dev fonts-wqy-microhei
  # the counter's checklist QR code (libqrencode); zbarimg reads it back in the tests
  libqrencode-dev zbar-tools
  # e-licence files: OFD packages are ZIP (libzip) of XML (pugixml)
  libzip-dev libpugixml-dev
  # the Chinese and number faces of the synthetic scans (tools/gen_scans.cpp), split between the
  # development and the held-out sets: sans, Ming/Song, Kai, the Noto CJK faces in every weight,
  # Droid's fallback, and five monospaced number faces (DejaVu, Noto, Liberation, Free Mono, Hack)
  fonts-wqy-zenhei fonts-arphic-uming fonts-arphic-ukai fonts-arphic-gbsn00lp fonts-arphic-gkai00mp
  fonts-noto-cjk fonts-noto-cjk-extra fonts-droid-fallback fonts-dejavu-core fonts-noto-mono fonts-liberation
  fonts-freefont-ttf fonts-hack
  # OCR of front-desk scans: Tesseract 5 with simplified Chinese (LSTM) and orientation data
  libtesseract-dev tesseract-ocr tesseract-ocr-chi-sim
  # tests and benchmarks; chromium runs the console's browser tests (tests/e2e); nginx is the HTTP
  # benchmark's peer (bench/http_bench.sh starts its own on a free port; the package's service is
  # not started here)
  libgtest-dev libgmock-dev libbenchmark-dev wrk openssl chromium nginx
)

missing=()
for p in "${PACKAGES[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
  [[ "$status" == "install ok installed" ]] || missing+=("$p")
done

# Node.js and npm drive the browser tests; a machine that has them (any packaging) keeps its own.
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  missing+=(nodejs npm)
fi

if ((${#missing[@]} > 0)); then
  if [[ $(id -u) -ne 0 ]]; then
    echo "bootstrap: missing packages: ${missing[*]}" >&2
    echo "bootstrap: run as root (or: sudo apt-get install ${missing[*]})" >&2
    exit 1
  fi
  echo "bootstrap: installing ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null
  # No service a package brings (nginx) is started on this machine: Debian's policy-rc.d hook,
  # in place only while installing when the machine has none of its own.
  guard=""
  if [[ ! -e /usr/sbin/policy-rc.d ]]; then
    printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d && guard=1
  fi
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  if [[ -n "$guard" ]]; then rm -f /usr/sbin/policy-rc.d; fi
  echo "bootstrap: done" >&2
fi

# The browser tests' tools from the npm registry at the versions package-lock.json pins:
# playwright-core (it drives Debian's chromium; it downloads no browser of its own) and the OpenAPI
# validator. Skipped when every pinned package is already there at its version.
e2e="$(cd "$(dirname "$0")/.." && pwd)/tests/e2e"
stale=$(node -e '
  const fs = require("fs"), lock = require(process.argv[1] + "/package-lock.json");
  for (const name of Object.keys(lock.packages[""].dependencies || {})) {
    let have = "";
    try { have = JSON.parse(fs.readFileSync(process.argv[1] + "/node_modules/" + name + "/package.json")).version; } catch {}
    if (have !== lock.packages["node_modules/" + name].version) console.log(name);
  }' "$e2e")
if [[ -n "$stale" ]]; then
  echo "bootstrap: npm ci in tests/e2e ($(echo $stale))" >&2
  (cd "$e2e" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
fi
