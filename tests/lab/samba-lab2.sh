#!/usr/bin/env bash
# samba-lab2.sh - the project's TWO domain controller Samba AD lab for the
# multi-DC tests (tests/multidc_samba.rs): one domain CORP.TEST, DC A
# dca.corp.test on 127.0.0.11 and DC B dcb.corp.test on 127.0.0.12, replicating.
# Adapted from the reference recipe ../shared/lab/ad-lab2.sh (its findings and
# gotchas are kept below); coexists with tests/lab/samba-lab.sh's DC on 127.0.0.1.
#
#   samba-lab2.sh install            apt-get the packages (idempotent)
#   samba-lab2.sh start [DIR]        provision A, join B (first time), start both,
#                                    wait for LDAPS + KDC of each; print exports
#                                    (use:  eval "$(samba-lab2.sh start)"), also
#                                    written to DIR/env.sh
#   samba-lab2.sh env [DIR]          print the exports again
#   samba-lab2.sh status [DIR]       exit 0 if both DCs run
#   samba-lab2.sh replicate [DIR]    samba-tool drs replicate A->B and B->A now
#   samba-lab2.sh replicate-domain [DIR]  the same for the domain naming context only
#                                    (where accounts live; 3x faster)
#   samba-lab2.sh stop-dc A|B [DIR]  stop one DC (failover tests)
#   samba-lab2.sh start-dc A|B [DIR] start one DC again and wait until it serves
#   samba-lab2.sh hold-repl A|B [DIR]    DC A|B takes no replication (DISABLE_INBOUND_REPL):
#                                    a change made on the other DC stays away from it
#   samba-lab2.sh release-repl A|B [DIR] let it replicate again (run 'replicate' to
#                                    catch up now; 'start' releases every hold too)
#   samba-lab2.sh stop [DIR]         stop both
#   samba-lab2.sh clean [DIR]        stop, delete DIR, remove the /etc/hosts block
#
# Environment: SPNKT_LAB2_DIR (default /tmp/spnkt-lab2), SPNKT_LAB2_ADMIN_PASSWORD,
# SPNKT_LAB2_NOTIFY_INTERVAL (s; samba's dreplsrv:notify_interval, default 5: how
# often a DC pushes "replicate now" to its partners; the tests rely on a change
# NOT being everywhere at once), SPNKT_LAB2_PULL_INTERVAL (dreplsrv:periodic_interval).
#
# Exports: SPNKT_LAB2_{DIR,REALM,DOMAIN,BASE_DN,A_HOST,B_HOST,A_IP,B_IP,
# A_LDAPS_URL,B_LDAPS_URL,A_KDC,B_KDC,CA_CERT,ADMIN_USER,ADMIN_PASSWORD,
# KRB5_CONFIG_AB,KRB5_CONFIG_BA,KRB5_CONFIG_A,KRB5_CONFIG_B}.
#
# Realm CORP.TEST, NetBIOS CORP. Each samba binds only its own address
# ("interfaces = 127.0.0.1x/8" + "bind interfaces only": a bare IP that is not
# an interface address is ignored by samba, IP/len is taken as given). Samba's
# DNS server, NetBIOS and DNS updates are disabled; /etc/hosts gets the DC names
# and the "<NTDS objectGUID>._msdcs.corp.test" names DRS replication connects
# to, between "# BEGIN ad-lab2" / "# END ad-lab2" lines. Each samba gets its own
# krb5.conf listing its own KDC, then the other. One lab CA; one server
# certificate with the names and IPs of both DCs. Needs root. One instance per
# machine (fixed addresses).
#
# Measured (samba 4.17.12, 2 cores): start from bare ~12-20 s, restart ~2.5 s; a
# change on one DC shows on the other after 0.7-5.1 s unforced (notify tick 5 s),
# 0.4-1.0 s after "samba-tool drs replicate". Before replication the other DC's
# KDC answers "Client '...' not found in Kerberos database" (AS-REQ) and "Server
# not found in Kerberos database" (TGS-REQ).
#
# DC B runs with "ldap server require strong auth = allow_sasl_over_tls" (Kerberos
# binds inside TLS, as Windows DCs take them); DC A with Samba's default (refused).
#
# Gotchas: (1) the DCs' own SPNs come from samba_spnupdate, normally run by the
# "dnsupdate" service (disabled here): run by hand, else B cannot pull from A
# (see spn_update). (2) servicePrincipalName is replicated as a whole (newest
# write wins): edit a DC's account on that DC, or one DC's SPN edit is lost.
set -Eeuo pipefail

REALM=CORP.TEST
DNSDOMAIN=corp.test
NETBIOS=CORP
BASE_DN=DC=corp,DC=test
declare -A IP=([A]=127.0.0.11 [B]=127.0.0.12)
declare -A HOSTN=([A]=dca [B]=dcb)
ADMIN_PW=${SPNKT_LAB2_ADMIN_PASSWORD:-'Adm1n-Lab2-Passw0rd!'}
HOSTS=/etc/hosts
HOSTS_BEGIN='# BEGIN ad-lab2 (ad-lab2.sh; "ad-lab2.sh clean" removes this block)'
HOSTS_END='# END ad-lab2'
NCS=("$BASE_DN" "CN=Configuration,$BASE_DN" "CN=Schema,CN=Configuration,$BASE_DN")

PKGS=(samba samba-ad-dc samba-ad-provision samba-dsdb-modules samba-vfs-modules
      winbind python3-samba krb5-user ldap-utils openssl iproute2 procps)

log() { printf '[samba-lab2 %s] %s\n' "$(date +%T)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN{printf "%.2f", b-a}'; }

set_dir() {
  D=${1:-${SPNKT_LAB2_DIR:-/tmp/spnkt-lab2}}
  case $D in /*) ;; *) D=$PWD/$D ;; esac
  D=${D%/}
  TLS=$D/tls
  CA=$TLS/lab-ca.pem
  KCONF=$D/krb5.conf          # both KDCs (A first)
  KCONF_A=$D/krb5-dca.conf    # only DC A's KDC
  KCONF_B=$D/krb5-dcb.conf    # only DC B's KDC
  KCONF_BA=$D/krb5-ba.conf    # both KDCs, B first (a client near B)
}
dir_of()  { echo "$D/${HOSTN[$1]}"; }            # A -> DIR/dca
conf_of() { echo "$D/${HOSTN[$1]}/etc/smb.conf"; }
fqdn_of() { echo "${HOSTN[$1]}.$DNSDOMAIN"; }
other()   { [[ $1 == A ]] && echo B || echo A; }

# ---------------------------------------------------------------- install
cmd_install() {
  local missing=() p
  for p in "${PKGS[@]}"; do
    [[ $(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true) == *'ok installed'* ]] || missing+=("$p")
  done
  if ((${#missing[@]} == 0)); then log "install: all ${#PKGS[@]} packages already present"; return 0; fi
  local t0; t0=$(now)
  log "install: missing: ${missing[*]}"
  apt-get update -qq
  # keep maintainer scripts from starting smbd/nmbd/samba-ad-dc
  local made_policy=0 rc=0
  if [[ ! -e /usr/sbin/policy-rc.d ]]; then
    printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d; chmod 755 /usr/sbin/policy-rc.d; made_policy=1
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${PKGS[@]}" >&2 || rc=$?
  ((made_policy)) && rm -f /usr/sbin/policy-rc.d
  ((rc == 0)) || die "apt-get install failed ($rc)"
  log "install: done in $(since "$t0")s"
}

# ---------------------------------------------------------------- helpers
running_pid() {   # A|B -> PID of the samba master serving that DC, if alive
  local x=$1 xd pidf pid fds
  xd=$(dir_of "$x"); pidf=$xd/run/samba.pid
  [[ -f $pidf ]] || return 1
  pid=$(tr -dc 0-9 <"$pidf")
  [[ -n $pid && -e /proc/$pid ]] || return 1
  # samba rewrites its argv ("samba: root process"): check the binary and
  # that the process holds files under its DC dir open (guards PID reuse)
  [[ $(readlink "/proc/$pid/exe" 2>/dev/null) == */sbin/samba ]] || return 1
  fds=$(ls -l "/proc/$pid/fd" 2>/dev/null || true)   # no grep -q pipe: SIGPIPE+pipefail
  [[ $fds == *" -> $xd/"* ]] || return 1
  echo "$pid"
}

port_open() { (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null; }   # ip port

krb5_conf() {  # file kdc-ip... : realm with these KDCs, in this order (first = kpasswd)
  local f=$1; shift
  {
    printf '[libdefaults]\n\tdefault_realm = %s\n\tdns_lookup_realm = false\n\tdns_lookup_kdc = false\n' "$REALM"
    printf '\trdns = false\n\tdns_canonicalize_hostname = false\n\tudp_preference_limit = 1\n'
    printf '[realms]\n\t%s = {\n' "$REALM"
    local ip; for ip; do printf '\t\tkdc = %s:88\n' "$ip"; done
    printf '\t\tadmin_server = %s:464\n\t\tkpasswd_server = %s:464\n\t}\n' "$1" "$1"
    printf '[domain_realm]\n\t.%s = %s\n\t%s = %s\n' "$DNSDOMAIN" "$REALM" "$DNSDOMAIN" "$REALM"
  } >"$f.tmp"
  mv -f "$f.tmp" "$f"
}

write_krb5_confs() {
  krb5_conf "$KCONF" "${IP[A]}" "${IP[B]}"
  krb5_conf "$KCONF_A" "${IP[A]}"
  krb5_conf "$KCONF_B" "${IP[B]}"
  krb5_conf "$KCONF_BA" "${IP[B]}" "${IP[A]}"
  # samba's own Kerberos client (DRS between the DCs, samba-tool -s ...)
  # prepends <dir of smb.conf>/krb5.conf: own KDC first, then the other
  local x
  for x in A B; do
    [[ -d $(dir_of "$x")/etc ]] && krb5_conf "$(dir_of "$x")/etc/krb5.conf" "${IP[$x]}" "${IP[$(other "$x")]}"
  done
  return 0
}

make_tls() {  # one CA + one server cert (both DCs' names and IPs), shared by both DCs
  mkdir -p "$TLS"
  [[ -s $TLS/lab-key.pem && -s $TLS/lab-cert.pem && -s $CA ]] && return 0
  (
    cd "$TLS"; umask 077
    openssl req -x509 -newkey rsa:2048 -nodes -sha256 -days 3650 \
      -keyout lab-ca-key.pem -out lab-ca.pem -subj "/O=AD Lab2/CN=AD Lab2 CA $REALM" \
      -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign 2>/dev/null
    openssl req -newkey rsa:2048 -nodes -sha256 -keyout lab-key.pem -out lab.csr \
      -subj "/O=AD Lab2/CN=$(fqdn_of A)" 2>/dev/null
    printf '%s\n' "subjectAltName=DNS:$(fqdn_of A),DNS:$(fqdn_of B),DNS:${HOSTN[A]},DNS:${HOSTN[B]},DNS:$DNSDOMAIN,IP:${IP[A]},IP:${IP[B]}" \
      "basicConstraints=critical,CA:FALSE" "keyUsage=critical,digitalSignature,keyEncipherment" \
      "extendedKeyUsage=serverAuth" >lab.ext
    openssl x509 -req -sha256 -days 3650 -in lab.csr -CA lab-ca.pem -CAkey lab-ca-key.pem \
      -CAcreateserial -extfile lab.ext -out lab-cert.pem 2>/dev/null
    # samba refuses a TLS key readable by others
    chmod 600 lab-key.pem lab-ca-key.pem; chmod 644 lab-ca.pem lab-cert.pem
  )
}

samba_opts() {  # A|B -> SOPTS: --option=... for provision/join (persisted in smb.conf)
  local x=$1 xd; xd=$(dir_of "$x")
  local o=(
    # "127.0.0.11" alone is ignored (not an interface address); IP/len is used as given
    "interfaces=${IP[$x]}/8" "bind interfaces only=yes"
    "server services=-dns -nbt -wrepl -dnsupdate -ntp_signd"
    "disable netbios=yes" "dns update command=/bin/true"
    "log file=$xd/log/samba.log" "max log size=10000"
    "pid directory=$xd/run" "ncalrpc dir=$xd/run/ncalrpc"
    "winbindd socket directory=$xd/run/winbindd" "ntp signd socket directory=$xd/run/ntp_signd"
    "tls enabled=yes" "tls keyfile=$TLS/lab-key.pem"
    "tls certfile=$TLS/lab-cert.pem" "tls cafile=$CA"
  )
  SOPTS=(); local v; for v in "${o[@]}"; do SOPTS+=(--option="$v"); done
}

ntds_guid() {  # smb.conf -> objectGUID of this DC's NTDS Settings object (local sam.ldb)
  /usr/bin/python3 - "$1" <<'EOF'   # Debian python3-samba (not a virtualenv python without the samba module)
import sys
from samba.param import LoadParm
from samba.samdb import SamDB
from samba.auth import system_session
lp = LoadParm(); lp.load(sys.argv[1])
db = SamDB(url=lp.private_path("sam.ldb"), session_info=system_session(lp), lp=lp)
print(db.get_ntds_GUID())
EOF
}

update_hosts() {  # (re)write our block in /etc/hosts: DC names + <guid>._msdcs names
  local x line block="" new
  for x in A B; do
    line="${IP[$x]}	$(fqdn_of "$x") ${HOSTN[$x]}"
    [[ -s $(dir_of "$x")/ntds-guid ]] && line+=" $(<"$(dir_of "$x")/ntds-guid")._msdcs.$DNSDOMAIN"
    block+="$line"$'\n'
  done
  new=$(awk -v b="$HOSTS_BEGIN" -v e="$HOSTS_END" '$0==b{s=1;next} $0==e{s=0;next} !s' "$HOSTS")
  new+=$'\n'"$HOSTS_BEGIN"$'\n'"$block$HOSTS_END"
  if [[ $new != "$(cat "$HOSTS")" ]]; then
    printf '%s\n' "$new" >"$HOSTS"   # in place (same inode): /etc/hosts may be a bind mount
    log "hosts: $(tr '\n\t' '; ' <<<"${block%$'\n'}")"
  fi
}

remove_hosts_block() {
  grep -qxF "$HOSTS_BEGIN" "$HOSTS" || return 0
  local new; new=$(awk -v b="$HOSTS_BEGIN" -v e="$HOSTS_END" '$0==b{s=1;next} $0==e{s=0;next} !s' "$HOSTS")
  printf '%s\n' "$new" >"$HOSTS"; log "hosts: block removed"
}

# samba-tool against the running DCs; client config = DC A's smb.conf (+ its krb5.conf)
stool() { KRB5_CONFIG=$(dir_of A)/etc/krb5.conf KRB5CCNAME=FILE:$D/run/stool.ccache \
            samba-tool "$@" -s "$(conf_of A)" -U "Administrator%$ADMIN_PW"; }

drs_replicate() {  # dest src [nc]: "samba-tool drs replicate" (DsReplicaSync on dest)
  stool drs replicate "$(fqdn_of "$1")" "$(fqdn_of "$2")" "${3:-$BASE_DN}"
}

ldap_on() { local x=$1 tool=$2; shift 2
  LDAPTLS_CACERT=$CA "$tool" -x -H "ldaps://${IP[$x]}" -D "Administrator@$DNSDOMAIN" -w "$ADMIN_PW" "$@"; }

# ---------------------------------------------------------------- provision / join
spn_update() {  # A|B: the DC account's SPNs, while that DC is stopped (local sam.ldb)
  # samba_spnupdate is normally run by samba's "dnsupdate" service, which is
  # disabled here. Without it DC A's account lacks the DRS SPN
  # E3514235-4B06-11D1-AB04-00C04FC2DCD2/<NTDS GUID>/corp.test (and ldap/dca...),
  # and B's pulls from A fail: "Failed to bind to uuid e3514235-... NT_STATUS_INVALID_PARAMETER",
  # "samba-tool drs replicate dcb dca": DsReplicaSync failed (87, 'WERR_INVALID_PARAMETER').
  # A runs it before the join (so B gets A's SPNs in the join's replication);
  # "join" itself adds B's DRS SPN on A, B's other SPNs reach A by replication.
  local xd; xd=$(dir_of "$1")
  KRB5_CONFIG=$xd/etc/krb5.conf samba_spnupdate -s "$(conf_of "$1")" --verbose >"$xd/log/spnupdate.log" 2>&1 ||
    { tail -20 "$xd/log/spnupdate.log" >&2; die "samba_spnupdate (DC $1) failed"; }
}

provision_a() {
  local t0 xd; t0=$(now); xd=$(dir_of A)
  log "provision: DC A $(fqdn_of A) ($REALM) into $xd"
  rm -rf "$xd" "$(dir_of B)" "$D/.post-setup"    # a new domain: B must be joined again
  mkdir -p "$xd"/{run,log,cache}
  samba_opts A
  samba-tool domain provision --targetdir="$xd" --realm="$REALM" --domain="$NETBIOS" \
    --server-role=dc --dns-backend=NONE --host-name="${HOSTN[A]}" --adminpass="$ADMIN_PW" \
    "${SOPTS[@]}" >"$xd/log/provision.log" 2>&1 || { tail -20 "$xd/log/provision.log" >&2; die "provision failed"; }
  # no password expiry for the lab admin and no minimum age (replicates to B)
  samba-tool domain passwordsettings set --max-pwd-age=0 --min-pwd-age=0 -s "$(conf_of A)" \
    >>"$xd/log/provision.log" 2>&1 || die "passwordsettings failed"
  spn_update A
  ntds_guid "$(conf_of A)" >"$xd/ntds-guid" || die "cannot read DC A's NTDS GUID"
  touch "$xd/.provisioned"
  log "provision: done in $(since "$t0")s (A NTDS GUID $(<"$xd/ntds-guid"))"
}

join_b() {
  local t0 xd; t0=$(now); xd=$(dir_of B)
  log "join: DC B $(fqdn_of B) as a DC of $DNSDOMAIN via $(fqdn_of A) into $xd"
  rm -rf "$xd" "$D/.post-setup"
  mkdir -p "$xd"/{run,log,cache}
  samba_opts B
  # join replicates the whole directory (secrets included) from A over DRS and
  # adds B to A's repsTo; an old DCB (failed earlier join) is cleaned up first
  KRB5_CONFIG=$KCONF_A KRB5CCNAME=FILE:$xd/run/join.ccache \
  samba-tool domain join "$DNSDOMAIN" DC --server="$(fqdn_of A)" -U "Administrator%$ADMIN_PW" \
    --dns-backend=NONE --targetdir="$xd" --option="netbios name=${HOSTN[B]^^}" \
    --option="realm=$REALM" --option="workgroup=$NETBIOS" "${SOPTS[@]}" \
    >"$xd/log/join.log" 2>&1 || { tail -30 "$xd/log/join.log" >&2; die "join failed (log: $xd/log/join.log)"; }
  spn_update B
  ntds_guid "$(conf_of B)" >"$xd/ntds-guid" || die "cannot read DC B's NTDS GUID"
  touch "$xd/.joined"
  log "join: done in $(since "$t0")s (B NTDS GUID $(<"$xd/ntds-guid"))"
}

# ---------------------------------------------------------------- start/stop
start_dc() {  # A|B
  local x=$1 xd pid p; xd=$(dir_of "$x")
  if pid=$(running_pid "$x"); then log "start: DC $x already running (pid $pid)"; return 0; fi
  for p in 88 389 636 445; do port_open "${IP[$x]}" $p && die "port ${IP[$x]}:$p already in use"; done
  local extra=()
  [[ -n ${SPNKT_LAB2_NOTIFY_INTERVAL:-} ]] && extra+=(--option="dreplsrv:notify_interval=$SPNKT_LAB2_NOTIFY_INTERVAL")
  [[ -n ${SPNKT_LAB2_PULL_INTERVAL:-} ]] && extra+=(--option="dreplsrv:periodic_interval=$SPNKT_LAB2_PULL_INTERVAL")
  # DC B takes Kerberos (SASL) binds inside TLS as a Windows DC does, so LDAPS
  # with the tls-server-end-point channel binding can be tested; DC A keeps
  # Samba's default, which refuses them (only ldap:// sealed works there).
  [[ $x == B ]] && extra+=(--option="ldap server require strong auth=allow_sasl_over_tls")
  rm -f "$xd/run/samba.pid"
  # -D: samba daemonises itself (own session) and writes run/samba.pid
  env -u KRB5CCNAME -u KRB5_KTNAME KRB5_CONFIG="$xd/etc/krb5.conf" \
    samba -D -d 1 -s "$(conf_of "$x")" "${extra[@]}" >"$xd/log/samba.out" 2>&1 </dev/null ||
    { tail -30 "$xd/log/samba.out" "$xd/log/samba.log" >&2 2>/dev/null; die "samba -D (DC $x) failed"; }
  local i; pid=""
  for ((i = 0; i < 100; i++)); do pid=$(running_pid "$x") && break; sleep 0.1; done
  [[ -n $pid ]] || { tail -30 "$xd/log/samba.log" >&2 2>/dev/null; die "DC $x: samba did not write its pid file"; }
  log "start: DC $x samba pid $pid${extra[*]:+ (${extra[*]})}"
}

wait_ready() {  # A|B: LDAPS rootDSE names this DC, and its KDC alone issues a TGT
  local x=$1 t0 i pid kc; t0=$(now); pid=$(running_pid "$x") || die "DC $x not running"
  [[ $x == A ]] && kc=$KCONF_A || kc=$KCONF_B
  for ((i = 0; i < 480; i++)); do
    kill -0 "$pid" 2>/dev/null || { tail -30 "$(dir_of "$x")/log/samba.log" >&2; die "DC $x exited during startup"; }
    if port_open "${IP[$x]}" 88 && port_open "${IP[$x]}" 636 &&
       [[ $(LDAPTLS_CACERT=$CA ldapsearch -x -LLL -o ldif-wrap=no -H "ldaps://${IP[$x]}" -b '' -s base dnsHostName 2>/dev/null) == *"dnsHostName: $(fqdn_of "$x")"* ]] &&
       printf '%s\n' "$ADMIN_PW" | KRB5_CONFIG=$kc KRB5CCNAME=FILE:$(dir_of "$x")/run/ready.ccache kinit "Administrator@$REALM" >/dev/null 2>&1
    then log "start: DC $x ready (LDAPS + KDC) after $(since "$t0")s"; return 0; fi
    sleep 0.25
  done
  tail -30 "$(dir_of "$x")/log/samba.log" >&2; die "DC $x not ready after 120s"
}

post_setup() {  # once per (re)join: SPNs for IP-based GSSAPI binds, KCC topology both ways
  [[ -f $D/.post-setup ]] && return 0
  local t0 x; t0=$(now)
  # ldap/<IP> SPN on each DC account, written on that DC itself: servicePrincipalName
  # is a non-linked multi-valued attribute, replicated as a whole, newest write
  # wins; adding B's SPN on A would overwrite the SPNs samba_spnupdate wrote on B
  for x in A B; do
    printf 'dn: CN=%s,OU=Domain Controllers,%s\nchangetype: modify\nadd: servicePrincipalName\nservicePrincipalName: ldap/%s\n' \
      "${HOSTN[$x]^^}" "$BASE_DN" "${IP[$x]}" | ldap_on "$x" ldapmodify >/dev/null 2>&1 || true
  done
  # the KCC of A runs ~15s after start and then every 5 min: without a run that
  # sees B's NTDS object, A has no repsFrom for B (B->A changes would wait)
  for x in A B; do stool drs kcc "$(fqdn_of "$x")" >>"$D/log/post-setup.log" 2>&1 || die "drs kcc $x failed (see $D/log/post-setup.log)"; done
  drs_replicate B A >>"$D/log/post-setup.log" 2>&1 || die "drs replicate A->B failed (see $D/log/post-setup.log)"
  drs_replicate A B >>"$D/log/post-setup.log" 2>&1 || die "drs replicate B->A failed (see $D/log/post-setup.log)"
  touch "$D/.post-setup"
  log "start: KCC + first replication both ways in $(since "$t0")s"
}

print_env() {
  cat <<EOF
export SPNKT_LAB2_DIR='$D'
export SPNKT_LAB2_REALM='$REALM'
export SPNKT_LAB2_DOMAIN='$DNSDOMAIN'
export SPNKT_LAB2_BASE_DN='$BASE_DN'
export SPNKT_LAB2_A_HOST='$(fqdn_of A)'
export SPNKT_LAB2_B_HOST='$(fqdn_of B)'
export SPNKT_LAB2_A_IP='${IP[A]}'
export SPNKT_LAB2_B_IP='${IP[B]}'
export SPNKT_LAB2_A_LDAPS_URL='ldaps://${IP[A]}:636'
export SPNKT_LAB2_B_LDAPS_URL='ldaps://${IP[B]}:636'
export SPNKT_LAB2_A_KDC='${IP[A]}:88'
export SPNKT_LAB2_B_KDC='${IP[B]}:88'
export SPNKT_LAB2_CA_CERT='$CA'
export SPNKT_LAB2_ADMIN_USER='Administrator@$REALM'
export SPNKT_LAB2_ADMIN_PASSWORD='${ADMIN_PW//\'/\'\\\'\'}'
export SPNKT_LAB2_KRB5_CONFIG_AB='$KCONF'
export SPNKT_LAB2_KRB5_CONFIG_BA='$KCONF_BA'
export SPNKT_LAB2_KRB5_CONFIG_A='$KCONF_A'
export SPNKT_LAB2_KRB5_CONFIG_B='$KCONF_B'
EOF
}

cmd_start() {
  set_dir "${1:-}"
  command -v samba >/dev/null || die "samba not installed: run '$0 install'"
  local t0; t0=$(now)
  mkdir -p "$D"/{run,log}; touch "$D/.ad-lab2"
  if [[ ! -f $(dir_of A)/.provisioned ]]; then
    running_pid A >/dev/null && die "DC A runs but $(dir_of A) is not marked provisioned; '$0 stop $D' first"
    running_pid B >/dev/null && die "DC B runs; '$0 stop $D' first"
    provision_a
  fi
  make_tls
  write_krb5_confs
  update_hosts
  start_dc A; wait_ready A
  if [[ ! -f $(dir_of B)/.joined ]]; then
    running_pid B >/dev/null && die "DC B runs but $(dir_of B) is not marked joined; '$0 stop $D' first"
    join_b
    write_krb5_confs
    update_hosts
  fi
  start_dc B; wait_ready B
  post_setup
  release_all_holds
  log "start: both DCs ready, total $(since "$t0")s"
  print_env | tee "$D/env.sh"
}

stop_dc() {
  local x=$1 pid i
  if ! pid=$(running_pid "$x"); then log "stop: DC $x not running"; return 0; fi
  local t0; t0=$(now)
  kill -TERM "$pid"
  for ((i = 0; i < 100; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  if kill -0 "$pid" 2>/dev/null; then log "stop: DC $x SIGKILL $pid"; kill -KILL "$pid"; fi
  for ((i = 0; i < 100; i++)); do port_open "${IP[$x]}" 88 || port_open "${IP[$x]}" 389 || break; sleep 0.1; done
  log "stop: DC $x (pid $pid) stopped in $(since "$t0")s"
}

cmd_stop() { set_dir "${1:-}"; stop_dc B; stop_dc A; }

cmd_status() {
  set_dir "${1:-}"
  local x pid rc=0
  for x in A B; do
    if pid=$(running_pid "$x"); then echo "DC $x $(fqdn_of "$x") ${IP[$x]}: running pid $pid ($(dir_of "$x"))"
    else echo "DC $x $(fqdn_of "$x") ${IP[$x]}: not running ($(dir_of "$x"))"; rc=1; fi
  done
  return $rc
}

cmd_env() { set_dir "${1:-}"; print_env; }

cmd_clean() {
  set_dir "${1:-}"
  cmd_stop "$D"
  if [[ -d $D ]]; then
    [[ -f $D/.ad-lab2 ]] || die "refusing to delete $D (no .ad-lab2 marker)"
    rm -rf "$D"; log "clean: removed $D"
  fi
  remove_hosts_block
}

cmd_replicate() {  # [DIR] [NC...] (default: every naming context)
  set_dir "${1:-}"; shift || true
  running_pid A >/dev/null && running_pid B >/dev/null || die "both DCs must run: '$0 start $D'"
  local ncs=("${NCS[@]}"); (($#)) && ncs=("$@")
  local nc t0 rc=0
  for nc in "${ncs[@]}"; do
    t0=$(now)
    drs_replicate B A "$nc" >"$D/log/replicate.log" 2>&1 || { rc=1; cat "$D/log/replicate.log" >&2; }
    log "replicate A->B $nc: $(tail -n1 "$D/log/replicate.log") ($(since "$t0")s)"
    t0=$(now)
    drs_replicate A B "$nc" >"$D/log/replicate.log" 2>&1 || { rc=1; cat "$D/log/replicate.log" >&2; }
    log "replicate B->A $nc: $(tail -n1 "$D/log/replicate.log") ($(since "$t0")s)"
  done
  return $rc
}

cmd_showrepl() {
  set_dir "${1:-}"
  local x; for x in A B; do echo "== DC $x"; stool drs showrepl --summary "$(fqdn_of "$x")" || true; done
}


cmd_stop_dc() {  # A|B [DIR]
  local x=${1:-}; [[ $x == A || $x == B ]] || die "usage: $0 stop-dc A|B [DIR]"
  set_dir "${2:-}"; stop_dc "$x"
}

# DISABLE_INBOUND_REPL in the DC's NTDS Settings options: its dreplsrv pulls nothing
# (neither on notification nor periodically) until the option is removed. Written on
# the DC itself.
repl_held() { [[ $(stool drs options "$(fqdn_of "$1")" 2>/dev/null) == *DISABLE_INBOUND_REPL* ]]; }

hold_repl() {
  stool drs options "$(fqdn_of "$1")" --dsa-option=+DISABLE_INBOUND_REPL >"$D/log/hold-repl.log" 2>&1 ||
    { cat "$D/log/hold-repl.log" >&2; die "cannot hold replication to DC $1"; }
  log "hold: DC $1 takes no inbound replication"
}

release_repl() {
  stool drs options "$(fqdn_of "$1")" --dsa-option=-DISABLE_INBOUND_REPL >"$D/log/hold-repl.log" 2>&1 ||
    { cat "$D/log/hold-repl.log" >&2; die "cannot release replication to DC $1"; }
  log "release: DC $1 replicates again"
}

release_all_holds() {  # a test killed while holding leaves the option set
  local x; for x in A B; do if repl_held "$x"; then release_repl "$x"; fi; done
}

cmd_hold_repl() {  # A|B [DIR]
  local x=${1:-}; [[ $x == A || $x == B ]] || die "usage: $0 hold-repl A|B [DIR]"
  set_dir "${2:-}"; running_pid "$x" >/dev/null || die "DC $x is not running"
  hold_repl "$x"
}

cmd_release_repl() {  # A|B [DIR]
  local x=${1:-}; [[ $x == A || $x == B ]] || die "usage: $0 release-repl A|B [DIR]"
  set_dir "${2:-}"; running_pid "$x" >/dev/null || die "DC $x is not running"
  release_repl "$x"
}

cmd_start_dc() {  # A|B [DIR]
  local x=${1:-}; [[ $x == A || $x == B ]] || die "usage: $0 start-dc A|B [DIR]"
  set_dir "${2:-}"; start_dc "$x"; wait_ready "$x"
}

# ---------------------------------------------------------------- main
trap 'rc=$?; log "ERROR: line $LINENO: \"$BASH_COMMAND\" failed (rc=$rc)"' ERR
[[ $(id -u) == 0 ]] || die "must run as root"
cmd=${1:-}; shift || true
case $cmd in
  install) cmd_install "$@" ;;
  start) cmd_start "$@" ;;
  stop) cmd_stop "$@" ;;
  status) cmd_status "$@" || exit $? ;;
  env) cmd_env "$@" ;;
  replicate) cmd_replicate "$@" || exit $? ;;
  replicate-domain) set_dir "${1:-}"; cmd_replicate "$D" "$BASE_DN" || exit $? ;;
  showrepl) cmd_showrepl "$@" ;;
  stop-dc) cmd_stop_dc "$@" ;;
  start-dc) cmd_start_dc "$@" ;;
  hold-repl) cmd_hold_repl "$@" ;;
  release-repl) cmd_release_repl "$@" ;;
  clean) cmd_clean "$@" ;;
  *) sed -n '2,/^set -Eeuo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
