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
  # imaging: licence images, watermarks (FreeType + a CJK font), PNG/JPEG/TIFF via Leptonica
  libfreetype-dev libleptonica-dev libpng-dev fonts-wqy-microhei
  # OCR of front-desk scans: Tesseract 5 with simplified Chinese (LSTM) and orientation data
  libtesseract-dev tesseract-ocr tesseract-ocr-chi-sim tesseract-ocr-osd
  # tests and benchmarks
  libgtest-dev libgmock-dev libbenchmark-dev wrk openssl
)

missing=()
for p in "${PACKAGES[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
  [[ "$status" == "install ok installed" ]] || missing+=("$p")
done

if ((${#missing[@]} == 0)); then
  exit 0
fi

if [[ $(id -u) -ne 0 ]]; then
  echo "bootstrap: missing packages: ${missing[*]}" >&2
  echo "bootstrap: run as root (or: sudo apt-get install ${missing[*]})" >&2
  exit 1
fi

echo "bootstrap: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "bootstrap: done" >&2
