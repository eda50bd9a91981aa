#!/usr/bin/env bash
# The full test suite, as the README and CI run it.
#
# On a fresh Debian machine as root it installs the real peers the tests are judged
# by (MIT krb5 tools, an MIT KDC, curl, a Samba AD DC, OpenLDAP's ldap-utils, Apache +
# mod_auth_gssapi, a JDK, python3-gssapi, dnsmasq), starts the Samba AD lab
# (tests/lab/samba-lab.sh) and the two-DC lab (tests/lab/samba-lab2.sh: CORP.TEST, DCs
# on 127.0.0.11 and 127.0.0.12, for
# tests/multidc_samba.rs), then runs formatting, lint and every test with those peers
# REQUIRED (SPNKT_REQUIRE_PEERS=1: a missing peer fails instead of skipping), and
# stops the labs it started again, also on failure. Without root it runs the same,
# provided the peers are installed and the labs are already running (their settings
# are read from $SPNKT_LAB_DIR/env.sh and $SPNKT_LAB2_DIR/env.sh).
set -euo pipefail
cd "$(dirname "$0")/.."

# --- real peers --------------------------------------------------------------
# krb5kdc, kdb5_util, kadmin.local, samba and apache2 live in /usr/sbin, not on every
# user's PATH.
export PATH="$PATH:/usr/sbin:/sbin"
lab=tests/lab/samba-lab.sh
lab2=tests/lab/samba-lab2.sh
if [ "$(id -u)" = 0 ]; then
  # The Samba AD DC, ldap-utils, Apache + mod_auth_gssapi: installed with their
  # services kept from starting (the lab runs its own samba, the tests their own apache).
  "$lab" install
  # What the two-DC lab needs beyond that (idempotent: only missing packages).
  "$lab2" install
fi
packages=()
need() { # need COMMAND PACKAGE: queue PACKAGE unless COMMAND exists (each package once)
  command -v "$1" >/dev/null 2>&1 && return
  [[ " ${packages[*]} " == *" $2 "* ]] || packages+=("$2")
}
need ktutil krb5-user   # MIT key derivation and keytabs: tests/mit_interop.rs
need klist krb5-user
need kinit krb5-user
need kvno krb5-user
need krb5kdc krb5-kdc   # a real MIT KDC: tests/verify_mit_kdc.rs
need kdb5_util krb5-kdc
need kadmin.local krb5-admin-server
need curl curl          # a real SPNEGO client (curl --negotiate)
need python3 python3
need samba samba        # the Samba AD DC: tests/e2e_samba.rs (installed by samba-lab.sh as root)
need ldapsearch ldap-utils
need samba-tool samba-common-bin  # the two-DC lab: replication on demand, held back
need flock util-linux   # tests/multidc_samba.rs: one test run at a time per lab
need apache2 apache2
# A JDK: tests/config_samba.rs compiles a Java GSS-API acceptor with javac and runs it
# with the JAAS file and JVM options `spnkt config --for java` writes.
need javac default-jdk-headless
need java default-jdk-headless
need dnsmasq dnsmasq-base  # a real nameserver for the DNS check: tests/dns_check.rs
# MIT's own GSS-API acceptor, from Python (Debian's python3), judges spnkt's
# GSS-API initiator (tests/gss_mit.rs); its initiator makes the SPNEGO tokens the Java
# acceptor of tests/config_samba.rs accepts.
/usr/bin/python3 -c 'import gssapi' >/dev/null 2>&1 || packages+=(python3-gssapi)
if ((${#packages[@]})); then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "run-all: installing ${packages[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${packages[@]}" >/dev/null
  else
    echo "run-all: missing ${packages[*]}: run as root on Debian to install them" >&2
    exit 1
  fi
fi
export SPNKT_REQUIRE_PEERS=1

# --- checks and tests --------------------------------------------------------
cargo fmt --all -- --check
cargo clippy --locked --all-targets -- -D warnings

log=$(mktemp)
lab_started=0
lab2_started=0
cleanup() {
  rm -f "$log"
  # Stop the labs this run started (also after a failure); one that was already
  # running when the run began belongs to someone else and is left alone.
  if [ "$lab_started" = 1 ]; then "$lab" stop || true; fi
  if [ "$lab2_started" = 1 ]; then "$lab2" stop || true; fi
}
trap cleanup EXIT

# --- the Samba AD lab for the end-to-end tests -----------------------------------
if [ "$(id -u)" = 0 ]; then
  if "$lab" status; then
    echo "run-all: the Samba AD lab is already running: using it, leaving it running"
  else
    lab_started=1
  fi
  # Idempotent when running; prints the SPNKT_LAB_* exports the tests read.
  lab_env=$("$lab" start)
  eval "$lab_env"
elif [ -r "${SPNKT_LAB_DIR:-/tmp/spnkt-lab}/env.sh" ]; then
  # shellcheck disable=SC1090,SC1091
  . "${SPNKT_LAB_DIR:-/tmp/spnkt-lab}/env.sh"
fi

# --- the two-DC Samba AD lab for the multi-DC tests --------------------------------
if [ "$(id -u)" = 0 ]; then
  if "$lab2" status >/dev/null; then
    echo "run-all: the two-DC Samba AD lab is already running: using it, leaving it running"
  else
    lab2_started=1
  fi
  # ~20 s from bare (provision A, join B); idempotent when running (it then only
  # checks both DCs and releases replication a killed test held back). Prints the
  # SPNKT_LAB2_* exports the tests read.
  lab2_env=$("$lab2" start)
  eval "$lab2_env"
elif [ -r "${SPNKT_LAB2_DIR:-/tmp/spnkt-lab2}/env.sh" ]; then
  # shellcheck disable=SC1090,SC1091
  . "${SPNKT_LAB2_DIR:-/tmp/spnkt-lab2}/env.sh"
fi

cargo test --locked --doc 2>&1 | tee "$log"
# --all-targets also runs each criterion benchmark once, so benches cannot rot.
cargo test --locked --all-targets 2>&1 | tee -a "$log"

# The tests against a real MIT KDC (verify, the KDC client, verify --live, the GSS-API
# initiator against MIT's acceptor) each print one "*** real MIT KDC test" line: they
# must all have run, never been skipped.
kdc_tests=$(grep -c '^\*\*\* real MIT KDC test .* ran' "$log" || true)
echo "real MIT KDC tests run: $kdc_tests"
if [ "$kdc_tests" -lt 15 ]; then
  echo "run-all: expected 15 real MIT KDC tests, $kdc_tests ran" >&2
  exit 1
fi
# The end-to-end tests against the Samba AD lab each print one "*** samba e2e test"
# line once they passed: every #[test] in tests/e2e_samba.rs (create, rotate, delete,
# spn, account), tests/apply_samba.rs (spnkt apply), tests/ktpass_samba.rs (ktpass and
# setspn command lines), tests/config_samba.rs (spnkt config: Apache and a Java
# acceptor with the files it writes) and tests/dns_check.rs (the DNS check, with
# dnsmasq as the nameserver) must have.
e2e_expected=$(cat tests/e2e_samba.rs tests/apply_samba.rs tests/ktpass_samba.rs tests/config_samba.rs tests/dns_check.rs | grep -c '^#\[test\]')
# Plus the wizard driven in a pseudo-terminal against the lab (tests/wizard_pty.rs: one
# line per test using the lab; its bare-`spnkt` test needs no lab and prints none).
wizard_expected=$(grep -c 'lab_available(' tests/wizard_pty.rs)
wizard_tests=$(grep -c '^\*\*\* samba e2e test wizard_.* ran' "$log" || true)
echo "wizard pty tests run: $wizard_tests of $wizard_expected"
e2e_expected=$((e2e_expected + wizard_expected))
e2e_tests=$(grep -c '^\*\*\* samba e2e test .* ran' "$log" || true)
echo "samba e2e tests run: $e2e_tests of $e2e_expected"
if [ "$e2e_tests" -lt "$e2e_expected" ]; then
  echo "run-all: expected $e2e_expected Samba e2e tests, $e2e_tests ran" >&2
  exit 1
fi
# spnkt doctor against the lab, Apache + mod_auth_gssapi and dnsmasq
# (tests/doctor_samba.rs: a healthy site, a stale keytab, a duplicate SPN, a CNAME to
# a machine name, RC4 against an AES keytab, a server without Negotiate, TLS) each print
# one "*** doctor test NAME ran" line once they passed: every #[test] there must have.
doctor_expected=$(grep -c '^#\[test\]' tests/doctor_samba.rs)
doctor_tests=$(grep -c '^\*\*\* doctor test .* ran' "$log" || true)
echo "doctor tests run: $doctor_tests of $doctor_expected"
if [ "$doctor_tests" -lt "$doctor_expected" ]; then
  echo "run-all: expected $doctor_expected doctor tests, $doctor_tests ran" >&2
  exit 1
fi
# The multi-DC tests against the two-DC lab (tests/multidc_samba.rs: replication
# waits, --wait-replication, DC failover) each print one "*** samba multi-DC test"
# line once they passed: every #[test] there must have.
multidc_expected=$(grep -c '^#\[test\]' tests/multidc_samba.rs)
multidc_tests=$(grep -c '^\*\*\* samba multi-DC test .* ran' "$log" || true)
echo "samba multi-DC tests run: $multidc_tests of $multidc_expected"
if [ "$multidc_tests" -lt "$multidc_expected" ]; then
  echo "run-all: expected $multidc_expected samba multi-DC tests, $multidc_tests ran" >&2
  exit 1
fi
# The fault-injection tests (tests/faults_samba.rs: connections cut, reset and
# stalled at every message of create, rotate and apply, a DC restarted mid-run) each
# print one "*** samba faults test NAME (N cases) ran" line once they passed.
faults_expected=$(grep -c '^#\[test\]' tests/faults_samba.rs)
faults_tests=$(grep -c '^\*\*\* samba faults test .* ran' "$log" || true)
fault_cases=$(sed -n 's/^\*\*\* samba faults test .* (\([0-9]*\) cases) ran.*/\1/p' "$log" | awk '{ n += $1 } END { print n + 0 }')
echo "samba fault tests run: $faults_tests of $faults_expected ($fault_cases fault cases)"
if [ "$faults_tests" -lt "$faults_expected" ]; then
  echo "run-all: expected $faults_expected samba fault tests, $faults_tests ran" >&2
  exit 1
fi
# Two runs at once (tests/concurrency_samba.rs: keytab locking offline, create/rotate
# and apply races against the lab) and secrets in no output channel
# (tests/secrets_leak.rs) each print one line per test that ran, never skipped.
conc_expected=$(grep -c '^#\[test\]' tests/concurrency_samba.rs)
conc_tests=$(grep -c '^\*\*\* concurrency test .* ran' "$log" || true)
echo "concurrency tests run: $conc_tests of $conc_expected"
leak_expected=$(grep -c 'audit.finish(' tests/secrets_leak.rs)
leak_tests=$(grep -c '^\*\*\* secrets leak test .* ran' "$log" || true)
echo "secrets leak tests run: $leak_tests of $leak_expected"
if [ "$conc_tests" -lt "$conc_expected" ] || [ "$leak_tests" -lt "$leak_expected" ]; then
  echo "run-all: expected $conc_expected concurrency and $leak_expected secrets leak tests, $conc_tests and $leak_tests ran" >&2
  exit 1
fi
# Windows Server AD behaviour with Windows-shaped data (tests/windows_shaped.rs: AD's
# LDAP diagnostics, KRB-ERRORs with MS-KILE's extended error, wellKnownObjects,
# DC certificates rustls refuses) prints one line per test that ran, never skipped.
win_expected=$(grep -c '^#\[test\]' tests/windows_shaped.rs)
win_tests=$(grep -c '^\*\*\* windows-shaped test .* ran' "$log" || true)
echo "windows-shaped tests run: $win_tests of $win_expected"
if [ "$win_tests" -lt "$win_expected" ]; then
  echo "run-all: expected $win_expected windows-shaped tests, $win_tests ran" >&2
  exit 1
fi
# The least-privilege admin (tests/delegated_admin_samba.rs: create, rotate, delete,
# apply and the wizard as a user with rights delegated on one OU of its own, made
# with samba-tool; delegation refused before any write with the privilege named; an
# undo that may not delete leaves the account disabled) prints one "*** delegated
# admin test" line per test; the unit tests of the rights judgement with
# Windows-shaped LDAP results (tokenGroups SIDs in binary, allowedChildClassesEffective,
# allowedAttributesEffective, forest-wide UPNs, undo messages) are counted too.
delegated_expected=$(grep -c '^#\[test\]' tests/delegated_admin_samba.rs)
delegated_tests=$(grep -c '^\*\*\* delegated admin test .* ran' "$log" || true)
rights_files=(src/ad/rights.rs src/provision/access.rs src/provision/preflight.rs src/provision/execute.rs)
rights_expected=$(cat "${rights_files[@]}" | grep -c '#\[test\]')
rights_tests=$(grep -cE '^test (ad::rights|provision::(access|preflight|execute))::tests::.* \.\.\. ok$' "$log" || true)
echo "delegated admin tests run: $delegated_tests of $delegated_expected; rights unit tests (Windows-shaped LDAP results): $rights_tests of $rights_expected"
if [ "$delegated_tests" -lt "$delegated_expected" ] || [ "$rights_tests" -lt "$rights_expected" ]; then
  echo "run-all: expected $delegated_expected delegated admin and $rights_expected rights unit tests, $delegated_tests and $rights_tests ran" >&2
  exit 1
fi
# The fuzz corpora replayed on stable (tests/fuzz_corpora.rs: every committed corpus
# input and fuzz regression through the fuzz targets' own checks), one line per target.
fuzz_targets=$(ls fuzz/fuzz_targets/*.rs | wc -l)
fuzz_replayed=$(grep -c '^\*\*\* fuzz corpus replay ' "$log" || true)
fuzz_inputs=$(sed -n 's/^\*\*\* fuzz corpus replay [a-z_]*: \([0-9]*\) corpus inputs, \([0-9]*\) regression.*/\1 \2/p' "$log" | awk '{ n += $1 + $2 } END { print n + 0 }')
echo "fuzz corpora replayed: $fuzz_replayed of $fuzz_targets targets, $fuzz_inputs inputs"
if [ "$fuzz_replayed" -lt "$fuzz_targets" ]; then
  echo "run-all: expected the corpora of $fuzz_targets fuzz targets replayed, $fuzz_replayed were" >&2
  exit 1
fi
# The Debian package (as root: dpkg -i needs it): built with cargo-deb, installed,
# `spnkt --version`, `man -w spnkt-create` and bash completion checked, removed.
if [ "$(id -u)" = 0 ]; then
  tests/deb-package.sh 2>&1 | tee -a "$log"
  grep -q '^\*\*\* deb package test ran' "$log" || { echo "run-all: the deb package test did not run" >&2; exit 1; }
fi
# One closing line with the totals over every test binary.
awk '/^test result:/ { for (i = 1; i <= NF; i++) { if ($(i+1) ~ /^passed/) p += $i; if ($(i+1) ~ /^failed/) f += $i; if ($(i+1) ~ /^ignored/) s += $i } }
     END { printf "summary: %d passed, %d failed, %d skipped\n", p, f, s }' "$log"
