#!/usr/bin/env bash
# Fuzz every parser of user files and form fields (fuzz/fuzz_targets/*.rs) with cargo-fuzz and
# libFuzzer, for FUZZ_SECONDS each (default 60). The test suite runs it briefly; run it for longer:
#
#   FUZZ_SECONDS=3600 bash scripts/fuzz.sh                 # an hour per target
#   FUZZ_SECONDS=600 bash scripts/fuzz.sh form_fields      # one target
#
# Each target starts from its committed seeds (fuzz/corpus/TARGET) and grows a scratch corpus in
# /tmp, so the repository is not changed. A crash stops the run with exit code 1; the input that
# caused it is kept in fuzz/artifacts/TARGET/ and is replayed with
# `cargo fuzz run TARGET fuzz/artifacts/TARGET/<file>`.
# Installs cargo-fuzz (from crates.io) when missing. RUSTC_BOOTSTRAP=1 lets the stable toolchain
# build with the sanitizer flags cargo-fuzz uses.
set -euo pipefail
cd "$(dirname "$0")/../fuzz"
seconds="${FUZZ_SECONDS:-60}"
export RUSTC_BOOTSTRAP=1

if ! cargo fuzz --version >/dev/null 2>&1; then
  echo "==> installing cargo-fuzz"
  cargo install cargo-fuzz --locked --quiet
fi
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  mapfile -t targets < <(cargo fuzz list)
fi

# The fuzz crate has its own lock file, taken from the workspace's so the fuzzed code is built with the
# versions the suite tests. A stale one would be re-resolved from the registry on every run.
if ! cargo metadata --locked --format-version 1 >/dev/null 2>&1; then
  echo "fuzz/Cargo.lock is out of date with the workspace. Refresh it with:" >&2
  echo "  cd fuzz && cp ../Cargo.lock . && RUSTC_BOOTSTRAP=1 cargo metadata --format-version 1 >/dev/null" >&2
  exit 1
fi

echo "==> building ${#targets[@]} fuzz targets"
cargo fuzz build -O >/dev/null 2>&1 || cargo fuzz build -O

scratch="$(mktemp -d /tmp/parindex-fuzz.XXXXXX)"
trap 'rm -rf "$scratch"' EXIT
status=0
summary=()
for t in "${targets[@]}"; do
  mkdir -p "$scratch/$t" "corpus/$t"
  log="$scratch/$t.log"
  if cargo fuzz run -O "$t" "$scratch/$t" "corpus/$t" -- \
      -max_total_time="$seconds" -max_len=65536 -timeout=20 -rss_limit_mb=2048 -print_final_stats=1 \
      >"$log" 2>&1; then
    result="no crash"
  else
    result="CRASH (see fuzz/artifacts/$t/)"
    status=1
    tail -40 "$log"
  fi
  runs=$(grep -Eo 'stat::number_of_executed_units: *[0-9]+' "$log" | grep -Eo '[0-9]+$' | tail -1)
  edges=$(grep -Eo 'cov: [0-9]+' "$log" | tail -1 | grep -Eo '[0-9]+')
  summary+=("$(printf '%-20s %4s s  %10s runs  %6s edges  %s' "$t" "$seconds" "${runs:-?}" "${edges:-?}" "$result")")
done
echo
echo "== fuzzing: ${#targets[@]} targets, $seconds s each"
printf '%s\n' "${summary[@]}"
exit "$status"
