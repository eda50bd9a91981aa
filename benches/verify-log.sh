#!/usr/bin/env bash
# Speed of `spnkt verify` on many tickets, next to the raw crypto it cannot avoid,
# in one run; prints the figures recorded in the README's "Performance" section.
#
#   benches/verify-log.sh [N]        # N requests in the generated log (100000)
#
# - criterion: one real MIT KDC ticket verified (parse, decrypt, decode, PAC
#   signature) with the key derived per ticket (verify_ticket/aes256) and prepared
#   once (verify_ticket/aes256_prepared), a 1.2 KB Windows-like ticket prepared
#   (aes256_windows_prepared), and a batch of 1,000 distinct tokens scanned out of
#   log lines and verified (verify_batch/aes256_log_1000).
# - openssl speed: AES-256-CBC decryption plus HMAC-SHA1 over 1,184 bytes (the
#   Windows-like EncTicketPart's size): the floor for one ticket.
# - the whole process: `spnkt verify` on a log of N distinct AES256 tokens made by
#   examples/negotiate_log.rs, timed with hyperfine (or bash's time).
#
# Run it on an idle machine; the load average is printed with the figures.
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-100000}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

cargo build --release --locked -q --bin spnkt --example negotiate_log
spnkt=target/release/spnkt
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"

cargo bench --locked --bench krb -- --noplot 'verify_ticket|verify_batch' >"$work/criterion.txt" 2>&1 \
  || { cat "$work/criterion.txt"; exit 1; }

openssl speed -evp aes-256-cbc -decrypt -bytes 1184 -seconds 2 2>/dev/null | tail -1 >"$work/aes.txt"
openssl speed -hmac sha1 -bytes 1184 -seconds 2 2>/dev/null | tail -1 >"$work/hmac.txt"

export SOURCE_DATE_EPOCH=1795446213
target/release/examples/negotiate_log "$n" "$work" 2>/dev/null
size=$(du -m "$work/access.log" | cut -f1)
cmd="$spnkt verify --keytab $work/svc.keytab --ticket $work/access.log"
$cmd >"$work/out.txt" || { cat "$work/out.txt"; exit 1; }
if command -v hyperfine >/dev/null; then
  hyperfine -N --warmup 1 --runs 5 --export-json "$work/hf.json" "$cmd" >/dev/null
  secs=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["results"][0]["mean"])' "$work/hf.json")
else
  start=$(date +%s.%N); $cmd >/dev/null; end=$(date +%s.%N)
  secs=$(python3 -c "print($end - $start)")
fi
# CPU time too: on a shared machine the wall time includes waiting for a core.
cpu=$( { /usr/bin/time -f '%U %S' $cmd >/dev/null; } 2>&1 | tail -1 | awk '{print $1 + $2}')
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"

python3 - "$work" "$n" "$secs" "$size" "$cpu" <<'PY'
import json, os, sys
work, n, secs, size, cpu = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), sys.argv[4], float(sys.argv[5])
def crit(group, name):
    p = os.path.join("target", "criterion", group, name, "new", "estimates.json")
    return json.load(open(p))["mean"]["point_estimate"]
def speed(path):
    # "aes-256-cbc   123456.78k" : thousands of bytes per second at 1184 bytes.
    kbs = float(open(path).read().split()[-1].rstrip("k"))
    return 1184 / (kbs * 1000) * 1e9
aes, hmac = speed(os.path.join(work, "aes.txt")), speed(os.path.join(work, "hmac.txt"))
floor = aes + hmac
print(f"openssl AES-256-CBC decrypt + HMAC-SHA1, 1,184 bytes: {aes/1e3:.2f} + {hmac/1e3:.2f} = {floor/1e3:.2f} µs")
for name in ("aes256", "aes256_prepared", "aes256_windows_prepared"):
    ns = crit("verify_ticket", name)
    print(f"verify_ticket/{name}: {ns/1e3:.2f} µs ({1e9/ns:,.0f}/s, {ns/floor:.1f}x the openssl floor)")
ns = crit("verify_batch", "aes256_log_1000") / 1000
print(f"verify_batch/aes256_log_1000: {ns/1e3:.2f} µs per token ({1e9/ns:,.0f} tokens/s)")
print(f"whole process, {n:,} distinct tokens ({size} MB log): {secs:.2f} s wall = {n/secs:,.0f} tokens/s; {cpu:.2f} s CPU (user+sys) = {n/cpu:,.0f} tokens/s")
PY
