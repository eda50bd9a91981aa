#!/bin/sh
# Regenerates the fuzz seed corpora, fuzz/seeds/<target>/, from the real fixtures
# (tests/fixtures, tests/vectors) with examples/fuzz_seeds.rs: deterministic, so
# the same fixtures give the same seeds. fuzz/run.sh reads them next to the
# committed (minimised) corpora in fuzz/corpus/<target>/; to fold them into those:
#   fuzz/make-corpora.sh && fuzz/run.sh 60 && (cd fuzz && cargo +nightly fuzz cmin -a TARGET)
# Usage: fuzz/make-corpora.sh [OUT_DIR]   (default fuzz/seeds)
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
OUT=${1:-$HERE/seeds}
cd "$HERE/.."
cargo run --quiet --example fuzz_seeds -- "$OUT"
