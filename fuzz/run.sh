#!/bin/bash
# Runs the fuzz targets one after the other, each with its committed corpus
# (fuzz/corpus/<target>/, new finds are added there) and its seeds
# (fuzz/seeds/<target>/ from fuzz/make-corpora.sh, read only), then prints a table:
# executions, exec/s, crashes, leaks/timeouts/OOMs, corpus size.
#
#   fuzz/run.sh [SECONDS_PER_TARGET] [TARGET...]     (default 60 s, every target)
#
# Environment: RUNS=N stops a target after N executions (-runs=N; the time
# still caps it); SANITIZER (default none: spnkt is safe Rust, so panics, failed
# assertions and overflow checks (-a) are what fuzzing finds, 3x faster than
# under ASan; SANITIZER=address for ASan); NICE (default 10) is the niceness;
# FUZZ_ARGS adds libFuzzer flags.
# One fuzzer process at a time (no -jobs/-workers). Logs: fuzz/logs/<target>.log;
# crashing inputs: fuzz/artifacts/<target>/. Exit status 1 when any target crashed
# (or leaked, timed out, ran out of memory), 2 when a run could not be read.
set -uo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
cd "$HERE"
SECONDS_PER_TARGET=${1:-60}
shift || true
if [ $# -gt 0 ]; then
  TARGETS=("$@")
else
  mapfile -t TARGETS < <(cargo +nightly fuzz list)
fi
NICE=${NICE:-10}
SANITIZER=${SANITIZER:-none}
mkdir -p logs
# One build of every target (the same flags as `fuzz run -a` below, so no rebuild).
nice -n "$NICE" cargo +nightly fuzz build -a -s "$SANITIZER" >logs/build.log 2>&1 || { tail -20 logs/build.log; exit 2; }

count_files() { find "$1" -maxdepth 1 -type f 2>/dev/null | wc -l; }
count_bytes() { find "$1" -maxdepth 1 -type f -printf '%s\n' 2>/dev/null | awk '{s+=$1} END {print s+0}'; }

rows=()
status=0
for t in "${TARGETS[@]}"; do
  mkdir -p "corpus/$t" "artifacts/$t"
  seeds=()
  [ -d "seeds/$t" ] && seeds=("seeds/$t")
  before_crash=$(ls "artifacts/$t" | grep -c '^crash-')
  before_other=$(ls "artifacts/$t" | grep -Ec '^(leak|timeout|oom|slow-unit)-')
  runs=()
  [ -n "${RUNS:-}" ] && runs=("-runs=$RUNS")
  echo "== $t: ${SECONDS_PER_TARGET}s${RUNS:+ or $RUNS runs}" >&2
  # shellcheck disable=SC2086
  nice -n "$NICE" cargo +nightly fuzz run -a -s "$SANITIZER" "$t" "corpus/$t" "${seeds[@]}" -- \
    -max_total_time="$SECONDS_PER_TARGET" "${runs[@]}" -print_final_stats=1 \
    -timeout=10 -rss_limit_mb=2048 ${FUZZ_ARGS:-} >"logs/$t.log" 2>&1
  rc=$?
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "logs/$t.log" | tail -1)
  [ -z "$execs" ] && execs=$(sed -n 's/^Done \([0-9]*\) runs in .*/\1/p' "logs/$t.log" | tail -1)
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "logs/$t.log" | tail -1)
  secs=$(sed -n 's/^Done [0-9]* runs in \([0-9]*\) second.*/\1/p' "logs/$t.log" | tail -1)
  crashes=$(($(ls "artifacts/$t" | grep -c '^crash-') - before_crash))
  other=$(($(ls "artifacts/$t" | grep -Ec '^(leak|timeout|oom|slow-unit)-') - before_other))
  if [ "$rc" -ne 0 ] && [ "$crashes" -eq 0 ] && [ "$other" -eq 0 ]; then
    # libFuzzer failed without leaving an artifact (e.g. a crash in the seeds'
    # first pass is still saved; a build or usage error is not).
    if grep -q 'ERROR: libFuzzer\|panicked at' "logs/$t.log"; then crashes=1; else status=2; fi
  fi
  [ $((crashes + other)) -gt 0 ] && status=1
  rows+=("$(printf '%-16s %12s %9s %6s %8s %7s %8s %10s' "$t" "${execs:-?}" "${rate:-?}" "${secs:-?}" "$crashes" "$other" "$(count_files "corpus/$t")" "$(count_bytes "corpus/$t")")")
done

echo
printf '%-16s %12s %9s %6s %8s %7s %8s %10s\n' target executions exec/s secs crashes l/t/oom "corpus" "bytes"
for r in "${rows[@]}"; do echo "$r"; done
exit "$status"
