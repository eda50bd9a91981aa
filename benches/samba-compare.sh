#!/usr/bin/env bash
# spnkt create against the admin's manual route, on the Samba AD lab, in one run;
# prints the Markdown table for the README's "Performance" section.
#
#   tests/lab/samba-lab.sh start          # as root, once
#   benches/samba-compare.sh [N]          # N service accounts in the big round (default 100)
#
# Two rounds, 1 and N HTTP service accounts (one SPN each, hosts e2eb-*.example.test,
# accounts svc-http-e2eb-*), each done two ways against the same DC:
# - spnkt: `spnkt --json create --host H --keytab K --delegation none --yes`, which adds
#   the account, sets the password, enables it, asks the KDC for the salt and proves the
#   keys with an AS and a TGS exchange before writing the keytab; then MIT `kvno -k` on
#   every keytab, for the same outside proof the manual route gets. LDAP round trips are
#   summed from the --json reports (any "round_trips" number in them) when spnkt reports them.
# - by hand: `samba-tool user add` and `samba-tool spn add` (ldap:// with a sealed SASL
#   bind: samba-tool's LDAPS client refuses the lab CA without a CRL), `ldapsearch` for
#   the kvno, `ktutil addent -password` (aes256, aes128 with the account's salt, rc4, as
#   ktpass would), then `kvno -k`. (Without msDS-SupportedEncryptionTypes these
#   accounts get RC4 tickets; spnkt's get AES.)
# Then `spnkt apply` of plans of 10, N and 1,000 new services (SPNKT_BENCH_APPLY_BIG),
# and the same plan applied again (all converged), one process each.
# Every account is deleted again (also on failure). Not part of the tests.
set -euo pipefail
shopt -s inherit_errexit
cd "$(dirname "$0")/.."
export PATH="$PATH:/usr/sbin:/sbin"

N=${1:-${SPNKT_BENCH_N:-100}}
env_sh=${SPNKT_LAB_DIR:-/tmp/spnkt-lab}/env.sh
[ -r "$env_sh" ] || { echo "no $env_sh: start the lab first (tests/lab/samba-lab.sh start, as root)" >&2; exit 1; }
# shellcheck disable=SC1090
. "$env_sh"
for t in samba-tool ktutil kvno kinit ldapsearch ldapdelete python3; do
  command -v "$t" >/dev/null || { echo "missing $t (tests/lab/samba-lab.sh install)" >&2; exit 1; }
done
export KRB5_CONFIG=$SPNKT_LAB_KRB5_CONFIG LDAPTLS_CACERT=$SPNKT_LAB_CA_CERT
REALM=$SPNKT_LAB_REALM
export SPNKT_BENCH_BIND_PW=$SPNKT_LAB_ADMIN_PASSWORD

work=$(mktemp -d)
# shellcheck source=benches/lab-accounts.sh
. benches/lab-accounts.sh
cleanup_accounts() { delete_accounts 'svc-http-e2eb-*'; }
trap 'cleanup_accounts; rm -rf "$work"' EXIT
cleanup_accounts

cargo build --release --locked -q
spnkt=$PWD/target/release/spnkt
dir_args=(--ldap-url "$SPNKT_LAB_LDAPS_URL" --ca-cert "$SPNKT_LAB_CA_CERT" --bind-user "$SPNKT_LAB_ADMIN_USER"
  --bind-password-env SPNKT_BENCH_BIND_PW --realm "$REALM" --kdc "$SPNKT_LAB_KDC")
now() { date +%s.%N; }

kvno_all() { # kvno -k over keytabs $work/$1-*.keytab; fails unless every entry is valid
  local tag=$1 n=$2 i
  for ((i = 1; i <= n; i++)); do
    KRB5CCNAME=FILE:$work/admin.cc kvno -k "$work/$tag-$i.keytab" "HTTP/e2eb-$tag$i.example.test@$REALM" 2>&1 |
      grep -q 'keytab entry valid' || { echo "kvno -k failed for $tag-$i" >&2; return 1; }
  done
}

round() { # round N -> "spnkt_s kvno_s manual_s round_trips"
  local n=$1 i t0 t1 t2 t3 rt=0 j
  # A fresh TGT per round: kvno keeps service tickets in the ccache, and the accounts
  # of the last round had other keys.
  rm -f "$work/admin.cc"
  printf '%s\n' "$SPNKT_LAB_ADMIN_PASSWORD" | KRB5CCNAME=FILE:$work/admin.cc kinit "$SPNKT_LAB_ADMIN_USER" >/dev/null
  # spnkt
  t0=$(now)
  for ((i = 1; i <= n; i++)); do
    "$spnkt" --json create --host "e2eb-s$i.example.test" --keytab "$work/s-$i.keytab" \
      --delegation none --yes "${dir_args[@]}" >"$work/s-$i.json" 2>"$work/s-$i.err" ||
      { cat "$work/s-$i.err" >&2; echo "spnkt create failed" >&2; return 1; }
  done
  t1=$(now)
  kvno_all s "$n" || return 1
  t2=$(now)
  for ((i = 1; i <= n; i++)); do
    j=$(python3 -c 'import json,sys
def walk(v):
    if isinstance(v, dict):
        return sum((x if isinstance(x, int) and "round_trip" in k.lower() else walk(x)) for k, x in v.items())
    if isinstance(v, list):
        return sum(walk(x) for x in v)
    return 0
print(walk(json.load(open(sys.argv[1]))))' "$work/s-$i.json")
    rt=$((rt + j))
  done
  # by hand
  local pw sam host tm kv
  # samba-tool's own LDAPS client insists on a CRL; it is used over ldap:// with a
  # sealed SASL bind instead, as admins run it remotely.
  local st=(-s "$SPNKT_LAB_DIR/etc/smb.conf" -H "ldap://127.0.0.1" -U "Administrator%$SPNKT_LAB_ADMIN_PASSWORD")
  tm=$(now)
  for ((i = 1; i <= n; i++)); do
    sam=svc-http-e2eb-t$i host=e2eb-t$i.example.test pw="Bench-$RANDOM-Passw0rd!$i"
    samba-tool user add "$sam" "$pw" "${st[@]}" >/dev/null
    samba-tool spn add "HTTP/$host" "$sam" "${st[@]}" >/dev/null
    # samba-tool sets the password after the add: read the kvno back (2 on Samba).
    kv=$(ldap ldapsearch -LLL -b "$SPNKT_LAB_BASE_DN" "(sAMAccountName=$sam)" msDS-KeyVersionNumber |
      sed -n 's/^msDS-KeyVersionNumber: //p')
    {
      for e in aes256-cts-hmac-sha1-96 aes128-cts-hmac-sha1-96; do
        printf 'addent -password -p HTTP/%s@%s -k %s -e %s -s %s%s\n%s\n' "$host" "$REALM" "$kv" "$e" "$REALM" "$sam" "$pw"
      done
      printf 'addent -password -p HTTP/%s@%s -k %s -e rc4-hmac\n%s\n' "$host" "$REALM" "$kv" "$pw"
      printf 'wkt %s\nquit\n' "$work/t-$i.keytab"
    } | ktutil >/dev/null
  done
  kvno_all t "$n" || return 1
  t3=$(now)
  awk -v a="$t0" -v b="$t1" -v c="$t2" -v m="$tm" -v d="$t3" -v rt="$rt" \
    'BEGIN { printf "%.2f %.2f %.2f %s\n", b - a, c - b, d - m, (rt > 0 ? rt : "n/a") }'
  cleanup_accounts
  rm -f "$work"/*.keytab "$work"/*.json "$work"/*.err
}

# apply_round N -> "apply_s reapply_s round_trips reapply_round_trips": `spnkt apply` of a
# plan of N new services (hosts e2eb-pI, keytabs in $work/p/), then the same plan again
# (everything converged: nothing to change), each one process, then `kvno -k` of a few.
apply_round() {
  local n=$1 i t0 t1 t2 plan=$work/plan-$1.toml
  mkdir -p "$work/p"
  {
    printf 'name = "bench"\n\n[directory]\nldap_url = "%s"\nrealm = "%s"\nkdc = "%s"\n' "$SPNKT_LAB_LDAPS_URL" "$REALM" "$SPNKT_LAB_KDC"
    printf 'ca_cert = "%s"\nbind_user = "%s"\nbind_password_env = "SPNKT_BENCH_BIND_PW"\n' "$SPNKT_LAB_CA_CERT" "$SPNKT_LAB_ADMIN_USER"
    for ((i = 1; i <= n; i++)); do
      printf '\n[[service]]\nhost = "e2eb-p%d.example.test"\naccount = "svc-http-e2eb-p%d"\ndelegation = "none"\nkeytab = "p/p-%d.keytab"\ndns_check = false\n' "$i" "$i" "$i"
    done
  } >"$plan"
  t0=$(now)
  "$spnkt" --json apply "$plan" >"$work/apply.json" 2>"$work/apply.err" || { cat "$work/apply.err" >&2; return 1; }
  t1=$(now)
  "$spnkt" --json apply "$plan" >"$work/reapply.json" 2>"$work/reapply.err" || { cat "$work/reapply.err" >&2; return 1; }
  t2=$(now)
  # A fresh TGT: MIT keeps service tickets, and an earlier round's e2eb-p1 had other keys.
  rm -f "$work/admin.cc"
  printf '%s\n' "$SPNKT_LAB_ADMIN_PASSWORD" | KRB5CCNAME=FILE:$work/admin.cc kinit "$SPNKT_LAB_ADMIN_USER" >/dev/null
  for i in 1 "$n"; do
    KRB5CCNAME=FILE:$work/admin.cc kvno -k "$work/p/p-$i.keytab" "HTTP/e2eb-p$i.example.test@$REALM" 2>&1 |
      grep -q 'keytab entry valid' || { echo "kvno -k failed for p-$i" >&2; return 1; }
  done
  local rt rr
  rt=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["ldap_round_trips"])' "$work/apply.json")
  rr=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["ldap_round_trips"])' "$work/reapply.json")
  awk -v a="$t0" -v b="$t1" -v c="$t2" -v rt="$rt" -v rr="$rr" 'BEGIN { printf "%.2f %.2f %s %s\n", b - a, c - b, rt, rr }'
  cleanup_accounts
  rm -rf "$work/p" "$plan"
}

kept=$(tombstones)
r1=$(round 1) || exit 1
rn=$(round "$N") || exit 1
apply_rounds=()
for n in 10 "$N" ${SPNKT_BENCH_APPLY_BIG:-1000}; do
  apply_rounds+=("$n $(apply_round "$n")") || exit 1
done
echo
echo "Samba AD lab ($(samba -V), 127.0.0.1, $(nproc) CPUs, $kept deleted objects kept at the start); wall time in seconds, one run each."
echo
echo "| accounts (1 HTTP SPN each) | spnkt create (keys proven by the KDC) | + MIT kvno -k of every keytab | samba-tool user add + spn add + ktutil + kvno -k | spnkt LDAP round trips |"
echo "|---:|---:|---:|---:|---:|"
for r in "1 $r1" "$N $rn"; do
  set -- $r
  awk -v n="$1" -v s="$2" -v k="$3" -v m="$4" -v rt="$5" \
    'BEGIN { printf "| %d | %.2f (%.3f each) | %.2f | %.2f (%.3f each) | %s |\n", n, s, s / n, s + k, m, m / n, rt }'
done
echo
echo "| services in one plan | spnkt apply (create, prove, write) | per service | LDAP round trips | re-apply (all converged) | its LDAP round trips |"
echo "|---:|---:|---:|---:|---:|---:|"
for r in "${apply_rounds[@]}"; do
  set -- $r
  awk -v n="$1" -v a="$2" -v ra="$3" -v rt="$4" -v rr="$5" \
    'BEGIN { printf "| %d | %.2f s | %.1f ms | %d | %.2f s | %d |\n", n, a, 1000 * a / n, rt, ra, rr }'
done
