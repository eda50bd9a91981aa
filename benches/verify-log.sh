#!/usr/bin/env bash
# Speed of `spnkt verify` on many tickets, next to the raw crypto it cannot avoid,
# in one run; prints the figures recorded in the README's "Performance" section.
#
#   benches/verify-log.sh [N]        # N requests in the generated log (100000)
#
# - criterion: one real MIT KDC ticket verified (parse, decrypt, decode, PAC
#   signature) with the key derived per ticket (verify_ticket/aes256) and prepared
#   once (verify_ticket/aes256_prepared), a Windows-like ticket prepared
#   (aes256_windows_prepared) and its crypto alone (verify_ticket_crypto/*), and a
#   batch of 1,000 distinct tokens scanned out of log lines and verified
#   (verify_batch/aes256_log_1000).
# - openssl speed: AES-256-CBC decryption plus HMAC-SHA1 over the bytes the
#   Windows-like ticket's encryption covers (confounder and EncTicketPart, as
#   examples/negotiate_log.rs reports them): the floor for one ticket (issue
#   goal: within 3x). Also at 1,184 bytes (the "1.2 KB" of the issue), and with
#   the HMAC-SHA1 over the PAC that verify checks as well.
# - the whole process: `spnkt verify` on a log of N distinct AES256 tokens made by
#   examples/negotiate_log.rs, timed with hyperfine (or bash's time); its CPU time
#   and peak memory, and the CPU time with --json (every token's result printed).
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

export SOURCE_DATE_EPOCH=1795446213
target/release/examples/negotiate_log "$n" "$work" 2>"$work/gen.txt"
# "each ticket: 857 bytes decrypted and HMAC-checked, a 608-byte PAC signed"
read -r enc pac < <(sed -n 's/^each ticket: \([0-9]*\) bytes .* a \([0-9]*\)-byte PAC.*/\1 \2/p' "$work/gen.txt")
size=$(du -m "$work/access.log" | cut -f1)

cargo bench --locked --bench krb -- --noplot 'verify_ticket|verify_batch' >"$work/criterion.txt" 2>&1 \
  || { cat "$work/criterion.txt"; exit 1; }

# -elapsed: wall-clock time, as criterion measures (openssl's default is CPU
# time, which a busy machine does not inflate).
for bytes in "$enc" 1184 "$pac"; do
  openssl speed -elapsed -evp aes-256-cbc -decrypt -bytes "$bytes" -seconds 2 2>/dev/null | tail -1 >"$work/aes-$bytes.txt"
  openssl speed -elapsed -hmac sha1 -bytes "$bytes" -seconds 2 2>/dev/null | tail -1 >"$work/hmac-$bytes.txt"
done

cmd="$spnkt verify --keytab $work/svc.keytab --ticket $work/access.log"
$cmd >"$work/out.txt" || { cat "$work/out.txt"; exit 1; }
if command -v hyperfine >/dev/null; then
  hyperfine -N --warmup 1 --runs 5 --export-json "$work/hf.json" "$cmd" >/dev/null
  secs=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["results"][0]["mean"])' "$work/hf.json")
else
  start=$(date +%s.%N); $cmd >/dev/null; end=$(date +%s.%N)
  secs=$(python3 -c "print($end - $start)")
fi
# CPU time too (best of 3): on a shared machine the wall time includes waiting
# for a core. And peak memory.
cpu_of() {
  for _ in 1 2 3; do { /usr/bin/time -f '%U %S %M' "$@" >/dev/null; } 2>&1 | tail -1; done \
    | awk '{c = $1 + $2; if (NR == 1 || c < best) { best = c; mem = $3 } } END { print best, mem }'
}
read -r cpu mem < <(cpu_of $cmd)
read -r cpu_json _ < <(cpu_of "$spnkt" --json verify --keytab "$work/svc.keytab" --ticket "$work/access.log")
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"

python3 - "$work" "$n" "$secs" "$size" "$cpu" "$mem" "$cpu_json" "$enc" "$pac" <<'PY'
import json, os, sys
work, n, secs, size = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), sys.argv[4]
cpu, mem, cpu_json = float(sys.argv[5]), int(sys.argv[6]), float(sys.argv[7])
enc, pac = int(sys.argv[8]), int(sys.argv[9])
def crit(group, name):
    p = os.path.join("target", "criterion", group, name, "new", "estimates.json")
    return json.load(open(p))["mean"]["point_estimate"]
def speed(kind, nbytes):
    # "aes-256-cbc   123456.78k": thousands of bytes per second at nbytes a block.
    kbs = float(open(os.path.join(work, f"{kind}-{nbytes}.txt")).read().split()[-1].rstrip("k"))
    return nbytes / (kbs * 1000) * 1e9
floors = {}
for nbytes in (enc, 1184):
    aes, hmac = speed("aes", nbytes), speed("hmac", nbytes)
    floors[nbytes] = aes + hmac
    print(f"openssl AES-256-CBC decrypt + HMAC-SHA1, {nbytes:,} bytes: {aes/1e3:.2f} + {hmac/1e3:.2f} = {(aes+hmac)/1e3:.2f} µs")
same = floors[enc] + speed("hmac", pac)
print(f"openssl doing all of a ticket's crypto (+ HMAC-SHA1 over the {pac}-byte PAC): {same/1e3:.2f} µs")
win = crit("verify_ticket", "aes256_windows_prepared")
for name in ("aes256", "aes256_prepared", "aes256_windows_prepared"):
    ns = crit("verify_ticket", name)
    print(f"verify_ticket/{name}: {ns/1e3:.2f} µs ({1e9/ns:,.0f}/s)")
print(f"  the Windows-like ticket: {win/floors[enc]:.2f}x the openssl floor at its {enc} bytes (goal: 3x), "
      f"{win/floors[1184]:.2f}x at 1,184 bytes, {win/same:.2f}x openssl doing all of its crypto")
dec = crit("verify_ticket_crypto", "aes256_windows_decrypt")
sig = crit("verify_ticket_crypto", "aes256_windows_pac_signature")
print(f"  its crypto in spnkt: decrypt {dec/1e3:.2f} µs + PAC signature {sig/1e3:.2f} µs; the rest ({(win-dec-sig)/1e3:.2f} µs) is reading DER")
ns = crit("verify_batch", "aes256_log_1000") / 1000
print(f"verify_batch/aes256_log_1000: {ns/1e3:.2f} µs per token ({1e9/ns:,.0f} tokens/s)")
print(f"whole process, {n:,} distinct tokens ({size} MB log): {secs:.2f} s wall = {n/secs:,.0f} tokens/s; "
      f"{cpu:.2f} s CPU (user+sys, best of 3) = {n/cpu:,.0f} tokens/s; peak memory {mem/1024:.0f} MB")
print(f"  with --json (every token's result): {cpu_json:.2f} s CPU = {n/cpu_json:,.0f} tokens/s")
PY
