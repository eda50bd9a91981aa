#!/usr/bin/env bash
# Speed of spnkt next to MIT krb5 on this machine, in one run; prints the Markdown
# table that goes into the README's "Performance" section.
#
#   benches/mit-compare.sh            # needs krb5-user and hyperfine (installed as root)
#
# What is compared, and how:
# - string-to-key and ticket-sized decrypt: spnkt's criterion figures against MIT's
#   krb5_c_string_to_key / krb5_c_decrypt called through ctypes (benches/mit_crypto.py,
#   which subtracts the cost of a ctypes call).
# - keytab parse of 10,000 entries: spnkt's criterion figure (parse only), and the
#   whole programs `spnkt keytab list` against `klist -k` on the same file (hyperfine;
#   both include process start and printing).
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

# --- MIT's library, same operations (ctypes on libkrb5) --------------------------
python3 benches/mit_crypto.py >"$work/mit.json"

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
python3 - "$work" <<'PY'
import json, sys, os
work = sys.argv[1]
mit = json.load(open(os.path.join(work, "mit.json")))
def crit(group, name):
    p = os.path.join("target", "criterion", group, name, "new", "estimates.json")
    return json.load(open(p))["mean"]["point_estimate"]
def fmt(ns):
    return f"{ns/1e6:.2f} ms" if ns >= 1e6 else f"{ns/1e3:.2f} µs" if ns >= 1e3 else f"{ns:.0f} ns"
hf = json.load(open(os.path.join(work, "list.json")))["results"]
klist_ns, spnkt_ns = (r["mean"] * 1e9 for r in hf)
print("| operation | spnkt | MIT krb5 | MIT / spnkt |")
print("|---|---|---|---|")
for name in ("aes256", "aes128", "rc4"):
    ours, theirs = crit("string_to_key", name), mit[f"string_to_key/{name}"]
    print(f"| string-to-key {name} (library) | {fmt(ours)} | {fmt(theirs)} | {theirs/ours:.2f} |")
parse = crit("keytab", "parse_10000_entries")
print(f"| parse a 10,000-entry keytab (spnkt: library) | {fmt(parse)} | – | – |")
print(f"| list a 10,000-entry keytab (`spnkt keytab list` vs `klist -k`, whole process) | {fmt(spnkt_ns)} | {fmt(klist_ns)} | {klist_ns/spnkt_ns:.2f} |")
for name in ("aes256", "aes128", "rc4"):
    ours, theirs = crit("ticket_decrypt", name), mit[f"ticket_decrypt/{name}"]
    print(f"| decrypt a 1.2 KB ticket, {name} (library) | {fmt(ours)} ({1e9/ours:,.0f}/s) | {fmt(theirs)} | {theirs/ours:.2f} |")
for name in ("aes256", "rc4"):
    ours = crit("verify_ticket", name)
    print(f"| verify a real MIT KDC ticket, {name}: parse, decrypt, decode, PAC signature (library) | {fmt(ours)} ({1e9/ours:,.0f}/s) | – | – |")
PY
