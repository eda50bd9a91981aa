#!/usr/bin/env bash
# What a Kerberos bind costs, against the incumbent LDAP client, in one run on the
# two-DC lab's DC A (tests/lab/samba-lab2.sh; ldap/127.0.0.11 is one of its SPNs,
# so OpenLDAP's client can bind by IP); prints the Markdown table for the README.
#
#   tests/lab/samba-lab2.sh start        # as root, once
#   benches/bind-compare.sh [RUNS]       # hyperfine runs per command (default 30)
#
# Each command finds the holder of one SPN, which an admin does with `setspn -Q`:
# - spnkt spn list --host H, bound three ways: Kerberos sealed over ldap://,
#   Kerberos inside TLS (on DC B, which allows it; channel binding), and a simple
#   bind over LDAPS; spnkt also reads the rootDSE and asks the global catalog
#   (a second connection, bound the same way), as it always does;
# - ldapsearch -Y GSSAPI over ldap:// (OpenLDAP + Cyrus SASL + MIT GSSAPI, sealed),
#   and ldapsearch -x over LDAPS (simple bind), for the same SPN in the domain.
# The admin's ticket comes from one kinit before the rounds (both clients reuse the
# ccache; spnkt asks for its ldap/ service ticket in every run, ldapsearch caches
# it in the ccache after the first). Not part of the tests.
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${1:-30}
env_sh=${SPNKT_LAB2_DIR:-/tmp/spnkt-lab2}/env.sh
[ -r "$env_sh" ] || { echo "no $env_sh: start the lab first (tests/lab/samba-lab2.sh start, as root)" >&2; exit 1; }
# shellcheck disable=SC1090
. "$env_sh"
for t in hyperfine kinit ldapsearch; do
  command -v "$t" >/dev/null || { echo "missing $t" >&2; exit 1; }
done
[ -x target/release/spnkt ] || cargo build --release --quiet
spnkt=$PWD/target/release/spnkt
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export KRB5_CONFIG=$SPNKT_LAB2_KRB5_CONFIG_AB KRB5CCNAME=FILE:$work/admin.ccache
export LDAPTLS_CACERT=$SPNKT_LAB2_CA_CERT LDAPSASL_NOCANON=on LDAPCONF=/dev/null LDAPRC=/dev/null
export SPNKT_BENCH_PW=$SPNKT_LAB2_ADMIN_PASSWORD
printf '%s\n' "$SPNKT_LAB2_ADMIN_PASSWORD" | kinit "$SPNKT_LAB2_ADMIN_USER" >/dev/null
(umask 077 && printf '%s' "$SPNKT_LAB2_ADMIN_PASSWORD" >"$work/pw")   # ldapsearch -y: no newline
host=$SPNKT_LAB2_A_HOST   # the DC's own SPNs: HOST/dca.corp.test
a_ip=${SPNKT_LAB2_A_KDC%:*}
b_ip=${SPNKT_LAB2_B_KDC%:*}
filter="(servicePrincipalName=HOST/$host)"

hyperfine --runs "$RUNS" --warmup 3 --export-json "$work/h.json" -N \
  -n "spnkt spn list, Kerberos sealed ldap://" \
  "$spnkt spn list --host $host --ldap-url ldap://$a_ip --bind-kerberos" \
  -n "spnkt spn list, Kerberos in LDAPS + channel binding (DC B)" \
  "$spnkt spn list --host $SPNKT_LAB2_B_HOST --ldap-url ldaps://$b_ip --ca-cert $SPNKT_LAB2_CA_CERT --bind-kerberos" \
  -n "spnkt spn list, simple bind LDAPS" \
  "$spnkt spn list --host $host --ldap-url ldaps://$a_ip --ca-cert $SPNKT_LAB2_CA_CERT --bind-user $SPNKT_LAB2_ADMIN_USER --bind-password-env SPNKT_BENCH_PW" \
  -n "ldapsearch -Y GSSAPI, sealed ldap://" \
  "ldapsearch -Q -LLL -Y GSSAPI -H ldap://$a_ip -b $SPNKT_LAB2_BASE_DN $filter sAMAccountName" \
  -n "ldapsearch -x, simple bind LDAPS" \
  "ldapsearch -LLL -x -H ldaps://$a_ip -D $SPNKT_LAB2_ADMIN_USER -y $work/pw -b $SPNKT_LAB2_BASE_DN $filter sAMAccountName" \
  >&2

python3 - "$work/h.json" <<'EOF'
import json, sys
r = json.load(open(sys.argv[1]))["results"]
print("| command | mean | ± σ |")
print("|---|---:|---:|")
for x in r:
    print(f"| {x['command']} | {x['mean']*1000:.1f} ms | {x['stddev']*1000:.1f} ms |")
EOF
