#!/usr/bin/env bash
# The whole respondent path at the machine's limit: how many respondents a second complete a
# survey (landing page, start, every page shown and saved, the check page, the submission), driven
# from a separate process over real HTTP with no pause between requests.
#
#   bash scripts/load-path.sh                         # SQLite, 32 concurrent, 3,000 respondents
#   CONCURRENCY=8 RESPONDENTS=6000 bash scripts/load-path.sh
#   DATABASE_URL=postgres://… bash scripts/load-path.sh   # an empty PostgreSQL database
#   PARINDEX_BIN=/path/to/parindex bash scripts/load-path.sh   # another build, for comparison
#
# It builds the release binary, prepares a campaign in a new data folder (`parindex loadtest
# prepare`, which also sends the invitations, as they would go out before the survey day, so the
# outbox does not compete with the respondents), starts the server, and runs `parindex loadtest
# run` against it with the server's process id. That prints completed respondents a second (a respondent counts once the submission
# is confirmed), request and whole-path latency (p50, p99), and the cores the server and the client
# used. Then `parindex loadtest report` says what the database stored.
set -euo pipefail
cd "$(dirname "$0")/.."

respondents="${RESPONDENTS:-3000}"
concurrency="${CONCURRENCY:-32}"
seconds="${SECONDS_LIMIT:-120}"

# PARINDEX_BIN runs another build (say, last release's) for a same-run comparison.
if [ -n "${PARINDEX_BIN:-}" ]; then
  BIN="$PARINDEX_BIN"
else
  echo "==> building the release binary"
  cargo build --release -q -p parindex --features demo
  BIN="$PWD/target/release/parindex"
fi

RUN="$(mktemp -d /tmp/parindex-path.XXXXXX)"
DATA="$RUN/data"
echo "==> preparing $respondents respondents (in $RUN)"
"$BIN" --data-dir "$DATA" loadtest prepare --respondents "$respondents" --out "$RUN/visits.tsv" 2>/dev/null

source scripts/load/serve.sh
SERVER=""
trap '[ -n "$SERVER" ] && kill "$SERVER" 2>/dev/null || true' EXIT
start_server "$BIN" "$DATA" "$RUN"

echo "==> walking every respondent's path, $concurrency at a time ($(nproc) cores)"
status=0
"$BIN" loadtest run --visits "$RUN/visits.tsv" --base "http://127.0.0.1:$PORT" \
  --concurrency "$concurrency" --seconds "$seconds" --server-pid "$SERVER" || status=$?
"$BIN" --data-dir "$DATA" loadtest report 2>/dev/null
echo "files: $RUN (server.log, visits.tsv)"
exit "$status"
