#!/usr/bin/env bash
# Load and soak tests of parindex, driven by a scenario file (scripts/load/*.toml) and run by wrk.
#
#   bash scripts/load.sh scripts/load/survey-day.toml   # a big unit's whole survey day, in minutes
#   bash scripts/load.sh scripts/load/soak.toml         # 30 minutes at the national peak rate
#
# It builds the release binary, prepares a campaign in a new data folder (`parindex loadtest
# prepare`: the demo campaign with the scenario's respondents, survey open, every respondent's visit
# written as requests), starts the server, and has wrk replay the visits: one wrk thread per browser,
# each answering one respondent at a time. It samples the server's memory (RSS) meanwhile and ends
# when every respondent has submitted or the scenario's duration is up. It prints throughput,
# latency (p50/p90/p99), errors, memory at the start and the end, and what the database stored.
#
# With DATABASE_URL=postgres://… (an empty database) it runs on PostgreSQL instead of SQLite.
# Needs wrk (Debian package `wrk`; installed when missing and run as root).
set -euo pipefail
cd "$(dirname "$0")/.."

scenario="${1:?usage: scripts/load.sh SCENARIO.toml}"
[ -f "$scenario" ] || { echo "no scenario file $scenario" >&2; exit 2; }
# A value from the scenario: key = value, or key = "value", comments after #.
setting() {
  sed -n "s/^[[:space:]]*$1[[:space:]]*=[[:space:]]*\"\{0,1\}\([^\"#]*\)\"\{0,1\}.*$/\1/p" "$scenario" | head -1 | xargs
}
name="$(setting name)"
respondents="$(setting respondents)"
browsers="$(setting browsers)"
think_ms="$(setting think_ms)"
duration="$(setting duration)"
sample_s="$(setting rss_sample_seconds)"; sample_s="${sample_s:-5}"
for v in name respondents browsers think_ms duration; do
  [ -n "${!v}" ] || { echo "$scenario: '$v' is missing" >&2; exit 2; }
done

if ! command -v wrk >/dev/null 2>&1; then
  if [ "$(id -u)" -eq 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null
  else
    echo "wrk is not installed: sudo apt-get install wrk" >&2; exit 2
  fi
fi

echo "==> building the release binary"
cargo build --release -q -p parindex --features demo
BIN="$PWD/target/release/parindex"

RUN="$(mktemp -d /tmp/parindex-load.XXXXXX)"
DATA="$RUN/data"
echo "==> scenario $name: $respondents respondents, $browsers browsers, think time ${think_ms} ms, at most $duration (in $RUN)"
"$BIN" --data-dir "$DATA" loadtest prepare --respondents "$respondents" --out "$RUN/visits.tsv" 2>/dev/null

source scripts/load/serve.sh
SERVER=""
cleanup() { [ -n "$SERVER" ] && kill "$SERVER" 2>/dev/null || true; [ -n "${SAMPLER:-}" ] && kill "$SAMPLER" 2>/dev/null || true; }
trap cleanup EXIT
start_server "$BIN" "$DATA" "$RUN"

# Resident memory of the server, in KiB, every few seconds.
( while kill -0 "$SERVER" 2>/dev/null; do
    awk -v t="$(date +%s)" '/^VmRSS/ {print t, $2}' "/proc/$SERVER/status" 2>/dev/null || true
    sleep "$sample_s"
  done ) >"$RUN/rss.txt" &
SAMPLER=$!

mkdir -p "$RUN/done"
echo "==> running wrk"
wrk -t"$browsers" -c"$browsers" -d"$duration" --timeout 30s -s scripts/load/respondents.lua \
  "http://127.0.0.1:$PORT" -- "$RUN/visits.tsv" "$think_ms" "$RUN/done" "$browsers" >"$RUN/wrk.txt" 2>&1 &
WRK=$!
# wrk runs for its whole duration even when every thread has finished: end it (SIGINT makes it
# report) once every browser has left its marker.
while kill -0 "$WRK" 2>/dev/null; do
  if [ "$(ls "$RUN/done" | wc -l)" -ge "$browsers" ]; then kill -INT "$WRK" 2>/dev/null || true; fi
  sleep 1
done
wait "$WRK" || true
kill "$SAMPLER" 2>/dev/null || true

echo
echo "== results: $name ($(nproc) cores)"
sed -n '/^requests:/,$p' "$RUN/wrk.txt"
awk 'NR==1 {first=$2} {last=$2; if ($2>max) max=$2} END {
  if (NR==0) exit;
  printf "server memory (RSS): %.0f MiB at the start, %.0f MiB at the end, %.0f MiB at most (%d samples)\n", first/1024, last/1024, max/1024, NR }' "$RUN/rss.txt"
"$BIN" --data-dir "$DATA" loadtest report 2>/dev/null
echo "files: $RUN (server.log, wrk.txt, rss.txt)"
