#!/usr/bin/env bash
# Where the time of `spnkt apply` goes, on the Samba AD lab: a plan of N new services
# (default 100) applied with --timings at --jobs 1, 2, 4 and 8, one process each, every
# account deleted in between. Per run: wall time, the client's CPU (spnkt's user+sys),
# the server's CPU (the lab's samba processes, user+sys from /proc, before and after),
# LDAP round trips, and spnkt's own table of each step's count and time (with --jobs > 1
# the step times add up over the jobs). Prints Markdown for benches/apply-breakdown.md.
#
#   tests/lab/samba-lab.sh start        # as root, once
#   benches/apply-breakdown.sh [N]
#   SPNKT_BENCH_JOBS="1 4" SPNKT_BENCH_BIN=/path/to/old/spnkt benches/apply-breakdown.sh
#
# Not part of the tests.
set -euo pipefail
shopt -s inherit_errexit
cd "$(dirname "$0")/.."
export PATH="$PATH:/usr/sbin:/sbin"

N=${1:-100}
JOBS=${SPNKT_BENCH_JOBS:-1 2 4 8}
env_sh=${SPNKT_LAB_DIR:-/tmp/spnkt-lab}/env.sh
[ -r "$env_sh" ] || { echo "no $env_sh: start the lab first (tests/lab/samba-lab.sh start, as root)" >&2; exit 1; }
# shellcheck disable=SC1090
. "$env_sh"
export KRB5_CONFIG=$SPNKT_LAB_KRB5_CONFIG LDAPTLS_CACERT=$SPNKT_LAB_CA_CERT
export SPNKT_BENCH_BIND_PW=$SPNKT_LAB_ADMIN_PASSWORD
REALM=$SPNKT_LAB_REALM
work=$(mktemp -d)
# shellcheck source=benches/lab-accounts.sh
. benches/lab-accounts.sh
cleanup_accounts() { delete_accounts 'svc-http-e2ej-*'; }
trap 'cleanup_accounts; rm -rf "$work"' EXIT
cleanup_accounts

# SPNKT_BENCH_BIN: another spnkt binary (an older build, to compare in the same run).
if [ -n "${SPNKT_BENCH_BIN:-}" ]; then
  spnkt=$SPNKT_BENCH_BIN
else
  cargo build --release --locked -q
  spnkt=$PWD/target/release/spnkt
fi
clk=$(getconf CLK_TCK)
# CPU seconds (user+sys) of every samba process of the lab so far.
samba_cpu() {
  local total=0 pid
  for pid in $(pgrep -x samba; pgrep -f 'samba:' || true); do
    [ -r "/proc/$pid/stat" ] || continue
    total=$((total + $(awk '{ print $14 + $15 }' "/proc/$pid/stat" 2>/dev/null || echo 0)))
  done
  awk -v t="$total" -v c="$clk" 'BEGIN { printf "%.2f", t / c }'
}

plan=$work/plan.toml
{
  printf 'name = "bench-jobs"\n\n[directory]\nldap_url = "%s"\nrealm = "%s"\nkdc = "%s"\n' "$SPNKT_LAB_LDAPS_URL" "$REALM" "$SPNKT_LAB_KDC"
  printf 'ca_cert = "%s"\nbind_user = "%s"\nbind_password_env = "SPNKT_BENCH_BIND_PW"\n' "$SPNKT_LAB_CA_CERT" "$SPNKT_LAB_ADMIN_USER"
  for ((i = 1; i <= N; i++)); do
    printf '\n[[service]]\nhost = "e2ej-%d.example.test"\naccount = "svc-http-e2ej-%d"\ndelegation = "none"\nkeytab = "k/%d.keytab"\ndns_check = false\n' "$i" "$i" "$i"
  done
} >"$plan"

echo "Samba AD lab ($(samba -V), 127.0.0.1, $(nproc) CPUs, $(tombstones) deleted objects kept): spnkt apply of $N new services."
echo
echo "| --jobs | wall s | spnkt CPU s | samba CPU s | LDAP round trips |"
echo "|---|---|---|---|---|"
tables=()
for j in $JOBS; do
  rm -rf "$work/k"
  s0=$(samba_cpu)
  /usr/bin/time -f '%e %U %S' -o "$work/time" "$spnkt" --json apply --jobs "$j" --timings "$plan" \
    >"$work/out.json" 2>"$work/err" || { cat "$work/err" >&2; exit 1; }
  s1=$(samba_cpu)
  read -r wall user sys <"$work/time"
  rt=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["ldap_round_trips"])' "$work/out.json")
  awk -v j="$j" -v w="$wall" -v u="$user" -v s="$sys" -v a="$s0" -v b="$s1" -v rt="$rt" \
    'BEGIN { printf "| %s | %.2f | %.2f | %.2f | %s |\n", j, w, u + s, b - a, rt }'
  tables+=("$(printf '\n--jobs %s:\n\n```\n%s\n```\n' "$j" "$(sed -n '/^timings/,$p' "$work/err")")")
  # The keys really work: MIT's kvno -k on the first and the last.
  rm -f "$work/admin.cc"
  printf '%s\n' "$SPNKT_LAB_ADMIN_PASSWORD" | KRB5CCNAME=FILE:$work/admin.cc kinit "$SPNKT_LAB_ADMIN_USER" >/dev/null
  for i in 1 "$N"; do
    KRB5CCNAME=FILE:$work/admin.cc kvno -k "$work/k/$i.keytab" "HTTP/e2ej-$i.example.test@$REALM" 2>&1 |
      grep -q 'keytab entry valid' || { echo "kvno -k failed for $i at --jobs $j" >&2; exit 1; }
  done
  cleanup_accounts
done
printf '%s\n' "${tables[@]}"
