#!/usr/bin/env bash
# The full test suite, as the README and CI run it.
#
# On a fresh Debian machine as root it installs the real peers the tests are judged
# by (MIT krb5 tools, an MIT KDC, curl), then runs formatting, lint and every test
# with those peers REQUIRED (SPNKT_REQUIRE_PEERS=1: a missing peer fails instead of skipping).
# Without root it runs the same, provided the peers are already installed.
set -euo pipefail
cd "$(dirname "$0")/.."

# --- real peers --------------------------------------------------------------
packages=()
command -v ktutil >/dev/null 2>&1 || packages+=(krb5-user)
command -v klist >/dev/null 2>&1 || packages+=(krb5-user)
command -v kinit >/dev/null 2>&1 || packages+=(krb5-user)
command -v kvno >/dev/null 2>&1 || packages+=(krb5-user)
# spnkt verify against a real MIT KDC (tests/verify_mit_kdc.rs): KDC, kadmin.local, curl.
command -v krb5kdc >/dev/null 2>&1 || [ -x /usr/sbin/krb5kdc ] || packages+=(krb5-kdc)
command -v kdb5_util >/dev/null 2>&1 || [ -x /usr/sbin/kdb5_util ] || packages+=(krb5-kdc)
command -v kadmin.local >/dev/null 2>&1 || [ -x /usr/sbin/kadmin.local ] || packages+=(krb5-admin-server)
command -v curl >/dev/null 2>&1 || packages+=(curl)
command -v python3 >/dev/null 2>&1 || packages+=(python3)
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
# krb5kdc, kdb5_util and kadmin.local live in /usr/sbin, not on every user's PATH.
export PATH="$PATH:/usr/sbin:/sbin"
export SPNKT_REQUIRE_PEERS=1

# --- checks and tests --------------------------------------------------------
cargo fmt --all -- --check
cargo clippy --locked --all-targets -- -D warnings

log=$(mktemp)
trap 'rm -f "$log"' EXIT
cargo test --locked --doc 2>&1 | tee "$log"
# --all-targets also runs each criterion benchmark once, so benches cannot rot.
cargo test --locked --all-targets 2>&1 | tee -a "$log"

# One closing line with the totals over every test binary.
awk '/^test result:/ { for (i = 1; i <= NF; i++) { if ($(i+1) ~ /^passed/) p += $i; if ($(i+1) ~ /^failed/) f += $i; if ($(i+1) ~ /^ignored/) s += $i } }
     END { printf "summary: %d passed, %d failed, %d skipped\n", p, f, s }' "$log"
# The verify tests against a real MIT KDC each print one "*** real MIT KDC test" line.
echo "real MIT KDC tests run: $(grep -c '^\*\*\* real MIT KDC test .* ran' "$log" || true)"
