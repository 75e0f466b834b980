#!/usr/bin/env bash
# Builds the pinned librdkafka release Tributary links, once, into the cache:
#   ${TRIBUTARY_CACHE:-~/.cache/tributary}/librdkafka-<version>/{include,lib/librdkafka.a}
# Prints that prefix. A cached build returns at once.
#
# Why not Debian 12's librdkafka (2.0.2): its consumer stops fetching for up to a second each
# time its prefetch queue fills (no fetch.queue.backoff.ms before 2.1), which starved the S3
# sink at ~125k records/s; Kafka 4 refuses its SCRAM logins (fixed in 2.6.1); later releases
# carry idempotent-producer fixes. Debian has no newer package for bookworm.
#
# Source: upstream's release tree as shipped inside the rdkafka-sys crate on crates.io (a
# registry this project's machines reach; GitHub is not), pinned by version and SHA-256. Built
# as a static, position-independent library against Debian's OpenSSL, Cyrus SASL, zlib, zstd
# and lz4 (scripts/install-deps.sh installs their -dev packages).
set -euo pipefail
VERSION=2.12.1
CRATE=rdkafka-sys-4.10.0+${VERSION}
SHA256=e234cf318915c1059d4921ef7f75616b5219b10b46e9f3a511a15eb4b56a3f77
URL="https://static.crates.io/crates/rdkafka-sys/${CRATE/+/%2B}.crate"
CACHE="${TRIBUTARY_CACHE:-$HOME/.cache/tributary}"
PREFIX="$CACHE/librdkafka-$VERSION"
STAMP="$PREFIX/.built-$SHA256"

if [ -f "$STAMP" ]; then
  echo "$PREFIX"
  exit 0
fi
mkdir -p "$CACHE"
exec 9>"$CACHE/librdkafka.lock"
flock 9
if [ -f "$STAMP" ]; then  # built by another process while we waited
  echo "$PREFIX"
  exit 0
fi

WORK="$(mktemp -d "$CACHE/librdkafka-build-XXXXXX")"
trap 'rm -rf "$WORK"' EXIT
echo "librdkafka: downloading $VERSION ($URL)" >&2
curl -fsSL --retry 3 -o "$WORK/src.crate" "$URL"
got="$(sha256sum "$WORK/src.crate" | cut -d' ' -f1)"
if [ "$got" != "$SHA256" ]; then
  echo "librdkafka: checksum mismatch for $URL: got $got, want $SHA256" >&2
  exit 1
fi
tar -xzf "$WORK/src.crate" -C "$WORK"
SRC="$WORK/$CRATE/librdkafka"
[ -f "$SRC/CMakeLists.txt" ] || { echo "librdkafka: no source tree in $CRATE" >&2; exit 1; }

echo "librdkafka: building $VERSION into $PREFIX (about a minute on 2 cores)" >&2
rm -rf "$PREFIX"
cmake -S "$SRC" -B "$WORK/build" -G Ninja -DCMAKE_BUILD_TYPE=Release \
  -DCMAKE_INSTALL_PREFIX="$PREFIX" -DCMAKE_INSTALL_LIBDIR=lib \
  -DCMAKE_POSITION_INDEPENDENT_CODE=ON -DRDKAFKA_BUILD_STATIC=ON \
  -DRDKAFKA_BUILD_EXAMPLES=OFF -DRDKAFKA_BUILD_TESTS=OFF \
  -DWITH_SSL=ON -DWITH_SASL=ON -DWITH_ZLIB=ON -DWITH_ZSTD=ON -DENABLE_LZ4_EXT=ON \
  -DWITH_CURL=OFF >"$WORK/configure.log" 2>&1 || { cat "$WORK/configure.log" >&2; exit 1; }
cmake --build "$WORK/build" -j "$(nproc)" >"$WORK/build.log" 2>&1 || { tail -40 "$WORK/build.log" >&2; exit 1; }
cmake --install "$WORK/build" >"$WORK/install.log" 2>&1 || { cat "$WORK/install.log" >&2; exit 1; }
[ -f "$PREFIX/lib/librdkafka.a" ] || { echo "librdkafka: install left no lib/librdkafka.a" >&2; exit 1; }
touch "$STAMP"
echo "$PREFIX"
