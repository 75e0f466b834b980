#!/usr/bin/env bash
# Installs everything Tributary's build, tests and quickstart need on Debian 12.
# Idempotent: a second run installs nothing and takes about a second.
#   - Debian packages (libraries, compilers' helpers, MariaDB server, Java, Maven, Python venv)
#   - the Python test clients, in a venv (scripts/python-env.sh)
#   - the Kafka jars from Maven Central and the MinIO binary built with Go (cached)
#   - librdkafka, built once from a pinned upstream release (scripts/deps/librdkafka.sh: Debian
#     12's 2.0.2 starves a busy consumer and Kafka 4 refuses its SCRAM logins)
# Set TRIBUTARY_SKIP_SERVICES_DEPS=1 to install only what the C++ build needs.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"

PACKAGES=(
  # build
  build-essential cmake ninja-build pkg-config ccache git
  # libraries (never vendored, except librdkafka: see below; libsasl2-dev is for its GSSAPI)
  libmariadb-dev libsasl2-dev libcurl4-openssl-dev libssl-dev libzstd-dev liblz4-dev
  libsnappy-dev zlib1g-dev libsimdjson-dev nlohmann-json3-dev libfmt-dev libspdlog-dev
  libcli11-dev libgtest-dev libgmock-dev libbenchmark-dev libisal-dev libmimalloc-dev
  # code tools (clang-19 builds the libFuzzer targets: clang-14 cannot compile <expected>)
  clang-format clang-tidy clang clang-19 libclang-rt-19-dev
  # services and test clients
  mariadb-server mariadb-client openjdk-17-jre-headless maven python3 python3-venv curl openssl
  procps
)

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# A JDK other than Debian's (e.g. /usr/bin/java from a Temurin install) is fine too.
if command -v java >/dev/null; then
  missing=("${missing[@]/openjdk-17-jre-headless}")
fi
missing=($(printf '%s\n' "${missing[@]}" | grep -v '^$' || true))

if [ "${#missing[@]}" -gt 0 ]; then
  echo "install-deps: installing ${missing[*]}" >&2
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
else
  echo "install-deps: Debian packages present" >&2
fi

# The C++ build links this one (cmake/Dependencies.cmake finds it in the cache).
"$ROOT/scripts/deps/librdkafka.sh" >/dev/null

if [ "${TRIBUTARY_SKIP_SERVICES_DEPS:-0}" != 1 ]; then
  "$ROOT/scripts/python-env.sh" >/dev/null
  "$ROOT/scripts/services/kafka.sh" fetch
  "$ROOT/scripts/services/s3.sh" build
fi

# --- compat: the real-Debezium reference runner of tests/compat/ ---------------------------
# Builds tests/compat/debezium-runner once (jars from Maven Central into $TRIBUTARY_CACHE/m2,
# classes into $TRIBUTARY_CACHE/debezium-runner-<hash>); a cached build returns at once.
# Maven compiles with javac, which the JRE package lacks.
if [ "${TRIBUTARY_SKIP_SERVICES_DEPS:-0}" != 1 ]; then
  if ! command -v javac >/dev/null; then
    echo "install-deps: installing openjdk-17-jdk-headless (javac, for tests/compat)" >&2
    SUDO=""
    [ "$(id -u)" -eq 0 ] || SUDO="sudo"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends \
      openjdk-17-jdk-headless >&2
  fi
  "$ROOT/tests/compat/run_debezium.sh" --build >/dev/null
fi
# --- end compat --------------------------------------------------------------------------------
echo "install-deps: done" >&2
