#!/usr/bin/env bash
# Speed of spnkt next to MIT krb5 on this machine, in one run; prints the Markdown
# table that goes into the README's "Performance" section.
#
#   benches/mit-compare.sh            # needs krb5-user and hyperfine (installed as root)
#
# What is compared, and how:
# - string-to-key: spnkt's criterion figure (one derivation, library call) against
#   MIT `ktutil addent -password` run N times in ONE ktutil process, minus the cost
#   of starting ktutil, divided by N (MIT has no finer-grained public entry point).
# - keytab parse of 10,000 entries: spnkt's criterion figure (parse only), and the
#   whole programs `spnkt keytab list` against `klist -k` on the same file (hyperfine;
#   both include process start and printing).
# - ticket-sized AES/RC4 decrypt: spnkt only (MIT has no command that does just this).
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
command -v ktutil >/dev/null || need+=(krb5-user)
command -v hyperfine >/dev/null || need+=(hyperfine)
if ((${#need[@]})); then
  [ "$(id -u)" = 0 ] || { echo "install ${need[*]} first (as root)" >&2; exit 1; }
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cargo build --release --locked -q
spnkt=target/release/spnkt

# --- spnkt, library level (criterion) -----------------------------------------
cargo bench --locked --bench krb -- --noplot >"$work/criterion.txt" 2>&1 || { cat "$work/criterion.txt"; exit 1; }

# --- MIT string-to-key via ktutil ---------------------------------------------
n=200
now_ns() { date +%s%N; }
ktutil_ns() { # $1 = script file; prints wall nanoseconds of one ktutil run
  local t0 t1
  t0=$(now_ns); ktutil <"$1" >/dev/null 2>&1; t1=$(now_ns); echo $((t1 - t0))
}
printf 'quit\n' >"$work/empty.kt-script"
base=$(ktutil_ns "$work/empty.kt-script")
declare -A mit_s2k
for e in aes256-cts-hmac-sha1-96 aes128-cts-hmac-sha1-96 arcfour-hmac; do
  : >"$work/$e.kt-script"
  for ((i = 0; i < n; i++)); do
    printf 'addent -password -p HTTP/app1.example.test@EXAMPLE.TEST -k %d -e %s -s EXAMPLE.TESTHTTPapp1.example.test\nPässwörd-for-benchmarks-0123456789\n' "$i" "$e" >>"$work/$e.kt-script"
  done
  printf 'quit\n' >>"$work/$e.kt-script"
  best=
  for _ in 1 2 3; do # best of three against noise from the other core
    t=$(ktutil_ns "$work/$e.kt-script")
    [ -z "$best" ] || [ "$t" -lt "$best" ] && best=$t
  done
  mit_s2k[$e]=$(((best - base) / n))
done

# --- keytab with 10,000 entries, listed by both -------------------------------
python3 - "$work/big.keytab" <<'PY'
import struct, sys
out = bytearray(b"\x05\x02")
def data(b): return struct.pack(">H", len(b)) + b
for i in range(10000):
    rec = struct.pack(">H", 2) + data(b"EXAMPLE.TEST") + data(b"HTTP") + data(b"app%d.example.test" % i)
    rec += struct.pack(">IIB", 1, 1700000000, (i % 300) & 0xFF)
    rec += struct.pack(">H", 18) + data(bytes([i % 251]) * 32) + struct.pack(">I", i % 300)
    out += struct.pack(">i", len(rec)) + rec
open(sys.argv[1], "wb").write(out)
PY
[ "$(klist -k "$work/big.keytab" | tail -n +4 | wc -l)" = 10000 ] || { echo "klist disagrees on the test keytab" >&2; exit 1; }
hyperfine -N --warmup 3 --runs 30 --export-json "$work/list.json" \
  "klist -k $work/big.keytab" "$spnkt keytab list $work/big.keytab" >"$work/hyperfine.txt"

# --- table ---------------------------------------------------------------------
python3 - "$work" "${mit_s2k[aes256-cts-hmac-sha1-96]}" "${mit_s2k[aes128-cts-hmac-sha1-96]}" "${mit_s2k[arcfour-hmac]}" <<'PY'
import json, sys, os
work, mit256, mit128, mitrc4 = sys.argv[1], *map(int, sys.argv[2:5])
def crit(group, name):
    p = os.path.join("target", "criterion", group, name, "new", "estimates.json")
    return json.load(open(p))["mean"]["point_estimate"]
def fmt(ns):
    return f"{ns/1e6:.2f} ms" if ns >= 1e6 else f"{ns/1e3:.2f} µs" if ns >= 1e3 else f"{ns:.0f} ns"
hf = json.load(open(os.path.join(work, "list.json")))["results"]
klist_ns, spnkt_ns = (r["mean"] * 1e9 for r in hf)
print("| operation | spnkt | MIT krb5 | MIT / spnkt |")
print("|---|---|---|---|")
for name, mit in (("aes256", mit256), ("aes128", mit128), ("rc4", mitrc4)):
    ours = crit("string_to_key", name)
    print(f"| string-to-key {name} (per key; MIT: `ktutil addent -password`) | {fmt(ours)} | {fmt(mit)} | {mit/ours:.2f} |")
parse = crit("keytab", "parse_10000_entries")
print(f"| parse a 10,000-entry keytab (spnkt: library) | {fmt(parse)} | – | – |")
print(f"| list a 10,000-entry keytab (`spnkt keytab list` vs `klist -k`, whole process) | {fmt(spnkt_ns)} | {fmt(klist_ns)} | {klist_ns/spnkt_ns:.2f} |")
for name in ("aes256", "aes128", "rc4"):
    ns = crit("ticket_decrypt", name)
    print(f"| decrypt a 1.2 KB ticket, {name} | {fmt(ns)} ({1e9/ns:,.0f}/s) | – | – |")
PY
