#!/usr/bin/env bash
# The whole parindex test suite, on a fresh Debian machine or a developer's:
#   unit + property tests, the database suite on SQLite AND PostgreSQL, HTTP and authorization tests,
#   the browser suite in headless Chromium, and the reliability suite: the real binary killed with
#   SIGKILL, PostgreSQL crashing under load, a full disk (a small tmpfs, so it needs root), and two
#   app servers behind nginx; then a short run of every fuzz target (PARINDEX_FUZZ_SECONDS each,
#   default 20; cargo-fuzz is installed from crates.io when missing).
# It installs what it needs (Debian packages: postgresql, chromium, chromium-driver, nginx-light,
# openssl; moto's S3 server from PyPI into a virtualenv; axe-core from the npm registry), starts a throwaway PostgreSQL on a Unix
# socket, and stops it at the end. Nothing is
# skipped: a part that cannot run fails and says why.
set -euo pipefail
cd "$(dirname "$0")/.."

log() { printf '\n==> %s\n' "$*"; }

pg_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1; }

need=()
[ -n "$(pg_bin)" ] && [ -x "$(pg_bin)/initdb" ] || need+=(postgresql)
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v chromedriver >/dev/null 2>&1 || need+=(chromium-driver)
[ -x /usr/sbin/nginx ] || need+=(nginx-light)
command -v openssl >/dev/null 2>&1 || need+=(openssl)
command -v npm >/dev/null 2>&1 || need+=(npm)
if [ ${#need[@]} -gt 0 ]; then
  log "installing Debian packages: ${need[*]}"
  if [ "$(id -u)" -eq 0 ]; then SUDO=""; else SUDO="sudo"; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

# An S3-compatible server for the evidence-storage test: moto's standalone server, from PyPI, in a
# virtualenv of its own.
MOTO_VENV="${PARINDEX_MOTO_VENV:-/tmp/parindex-moto-venv}"
if [ ! -x "$MOTO_VENV/bin/moto_server" ]; then
  log "installing an S3-compatible test server (moto[server] from PyPI) into $MOTO_VENV"
  python3 -m venv "$MOTO_VENV"
  "$MOTO_VENV/bin/pip" install -q 'moto[server]>=5,<6'
fi
export PARINDEX_TEST_MOTO_SERVER="$MOTO_VENV/bin/moto_server"

# axe-core, the accessibility checker the browser suite runs on every page it visits: from the npm
# registry, at the version tests/axe/package-lock.json pins.
if [ ! -f tests/axe/node_modules/axe-core/axe.min.js ]; then
  command -v npm >/dev/null 2>&1 || { echo "FAIL: npm not found after install" >&2; exit 1; }
  log "installing axe-core from the npm registry into tests/axe"
  npm ci --prefix tests/axe --no-audit --no-fund --silent
fi

PGBIN="$(pg_bin)"
[ -x "$PGBIN/initdb" ] || { echo "FAIL: PostgreSQL server binaries not found after install" >&2; exit 1; }
for tool in chromium chromedriver; do
  command -v "$tool" >/dev/null 2>&1 || { echo "FAIL: $tool not found after install" >&2; exit 1; }
done

# A throwaway PostgreSQL: its own data folder, a Unix socket, no TCP listener. PostgreSQL refuses
# to run as root, so as root it runs as the 'postgres' user the package creates.
PGDIR="$(mktemp -d /tmp/parindex-pg.XXXXXX)"
PGPORT="${PARINDEX_TEST_PG_PORT:-55432}"
as_pg() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
if [ "$(id -u)" -eq 0 ]; then chown postgres:postgres "$PGDIR"; fi
stop_pg() {
  as_pg "$PGBIN/pg_ctl" -D "$PGDIR/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$PGDIR"
}
trap stop_pg EXIT
log "starting a throwaway PostgreSQL ($("$PGBIN/postgres" --version)) in $PGDIR"
as_pg "$PGBIN/initdb" -D "$PGDIR/data" -A trust -U postgres -E UTF8 --locale=C.UTF-8 --no-sync >/dev/null
as_pg "$PGBIN/pg_ctl" -D "$PGDIR/data" -l "$PGDIR/server.log" -w \
  -o "-k $PGDIR -p $PGPORT -c listen_addresses= -c fsync=off -c synchronous_commit=off -c max_connections=300" start >/dev/null
export PARINDEX_TEST_PG_URL="postgres://postgres@localhost:$PGPORT/postgres?host=$PGDIR"
export PARINDEX_TEST_PG_BIN="$PGBIN"
export PARINDEX_CHROMIUM="$(command -v chromium)"
export PARINDEX_CHROMEDRIVER="$(command -v chromedriver)"

# The build folder is the suite's largest use of disk. Incremental compilation only adds to it on a
# machine that builds once, so it is off here; the free space is reported before and the build's size after.
export CARGO_INCREMENTAL=0
free_gb() { df -Pk . | awk 'NR==2 {printf "%.1f", $4 / 1048576}'; }
log "disk: $(free_gb) GB free before the build"
if awk -v f="$(free_gb)" 'BEGIN {exit !(f < 5)}'; then
  echo "WARNING: less than 5 GB free; the build may run out of disk (No space left on device)" >&2
fi

log "formatting and lints"
cargo fmt --all -- --check
cargo clippy --workspace --all-targets --quiet -- -D warnings

log "the production build: no demo, no simulated clock, no load test"
cargo clippy -p parindex --lib --bins --quiet -- -D warnings
help="$(cargo run -q -p parindex -- serve --help)"
for flag in --demo --simulate --now; do
  if grep -q -- "$flag" <<<"$help"; then
    echo "the production build of parindex offers serve $flag" >&2
    exit 1
  fi
done
if cargo run -q -p parindex -- loadtest --help >/dev/null 2>&1; then
  echo "the production build of parindex offers loadtest" >&2
  exit 1
fi

log "tests (unit, property, database on SQLite and PostgreSQL, HTTP, authorization, browser, crash and faults)"
rm -f target/tmp/action-matrix-*.txt target/tmp/axe-pages.txt
set +e
cargo test --workspace --no-fail-fast -- --test-threads="${PARINDEX_TEST_THREADS:-4}" 2>&1 | tee /tmp/parindex-test.log
status=${PIPESTATUS[0]}
set -e

log "fuzzing every parser of user files and form fields, ${PARINDEX_FUZZ_SECONDS:-20} s each (scripts/fuzz.sh)"
fuzz_status=0
FUZZ_SECONDS="${PARINDEX_FUZZ_SECONDS:-20}" bash scripts/fuzz.sh || fuzz_status=$?

log "disk: the build folders take $(du -sh target 2>/dev/null | cut -f1) (target) and $(du -sh fuzz/target 2>/dev/null | cut -f1) (fuzz/target); $(free_gb) GB free"

passed=$(grep -Eo '[0-9]+ passed' /tmp/parindex-test.log | awk '{s+=$1} END {print s+0}')
failed=$(grep -Eo '[0-9]+ failed' /tmp/parindex-test.log | awk '{s+=$1} END {print s+0}')
on_sqlite=$(grep -Ec '^test (.*::)?sqlite::.* \.\.\. ok$' /tmp/parindex-test.log || true)
on_pg=$(grep -Ec '^test (.*::)?postgres::.* \.\.\. ok$' /tmp/parindex-test.log || true)
echo
echo "database suite: $on_sqlite passed on SQLite, $on_pg passed on PostgreSQL"
cat target/tmp/action-matrix-*.txt 2>/dev/null || echo "action matrix: no report (tests/tests/suite/actions.rs did not finish)"
if [ -f target/tmp/axe-pages.txt ]; then
  echo "accessibility: axe-core checked $(wc -l < target/tmp/axe-pages.txt) page views ($(sort -u target/tmp/axe-pages.txt | wc -l) distinct pages and widths): 0 serious or critical WCAG 2.1 A/AA violations unless a browser test failed above"
else
  echo "accessibility: no report (the browser suite did not run)"
fi
echo "suite: $passed passed, $failed failed"
[ "$fuzz_status" -eq 0 ] || echo "FAIL: a fuzz target crashed (see above and fuzz/artifacts/)"
[ "$status" -ne 0 ] && exit "$status"
exit "$fuzz_status"
