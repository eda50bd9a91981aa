#!/usr/bin/env bash
# samba-lab.sh - spnkt's real Active Directory for end-to-end tests: a Samba AD DC
# (Debian's samba packages) provisioned for realm EXAMPLE.TEST on 127.0.0.1 only.
#
#   samba-lab.sh install         apt-get what the lab and the SPNEGO tests need
#   samba-lab.sh start [DIR]     provision DIR if needed, start samba, wait until
#                                LDAPS, StartTLS and the KDC answer; prints the
#                                settings as shell exports (eval "$(... start)")
#                                and writes them to DIR/env.sh
#   samba-lab.sh env [DIR]       print the exports again
#   samba-lab.sh status [DIR]    exit 0 when running
#   samba-lab.sh stop [DIR]      stop samba (and apache started by the tests)
#   samba-lab.sh clean [DIR]     stop and delete DIR
#
# DIR defaults to $SPNKT_LAB_DIR or /tmp/spnkt-lab. Needs root: Samba's ports are
# fixed (88, 389, 636, 464, 3268, 3269, ...), so one lab per machine.
#
# Learned from shared/lab/ad-lab.sh (the workplace's reference recipe):
# - provision with --dns-backend=NONE and Samba's dns/nbt/wrepl/dnsupdate/ntp_signd
#   services off, bound to lo only: otherwise Samba forwards DNS off the machine;
# - Samba's own TLS certificate has no subjectAltName, which rustls rejects: make a
#   CA and a server certificate with SANs for dc1.example.test, localhost, 127.0.0.1;
# - password ages 0, else a second password set on one day is refused;
# - plain LDAP simple binds are refused ("Transport encryption required");
# - the DC's own SPNs (ldap/dc1.example.test, which Kerberos LDAP binds ask a ticket
#   for) come from samba_spnupdate, normally run by the disabled "dnsupdate"
#   service: the lab runs it once against the stopped DC's database.
set -Eeuo pipefail

REALM=EXAMPLE.TEST
DNSDOMAIN=example.test
NETBIOS=EXAMPLE
DCHOST=dc1
DCFQDN=$DCHOST.$DNSDOMAIN
IP=127.0.0.1
ADMIN_PW='Adm1n-Lab-Passw0rd!'
BASE_DN=DC=example,DC=test

PACKAGES=(samba samba-ad-dc samba-ad-provision samba-dsdb-modules samba-vfs-modules winbind
          python3-samba krb5-user ldap-utils openssl
          curl apache2 libapache2-mod-auth-gssapi)

log() { printf '[samba-lab %s] %s\n' "$(date +%T)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

set_dir() {
  D=${1:-${SPNKT_LAB_DIR:-/tmp/spnkt-lab}}
  case $D in /*) ;; *) D=$PWD/$D ;; esac
  D=${D%/}
  CONF=$D/etc/smb.conf
  PIDF=$D/run/samba.pid
  CA=$D/private/tls/lab-ca.pem
  KCONF=$D/krb5.conf
}

cmd_install() {
  local missing=() p
  for p in "${PACKAGES[@]}"; do
    [[ $(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true) == *'ok installed'* ]] || missing+=("$p")
  done
  ((${#missing[@]})) || return 0
  log "install: ${missing[*]}"
  apt-get update -qq
  # Keep maintainer scripts from starting smbd/samba-ad-dc/apache2 as services.
  local made_policy=0 rc=0
  if [[ ! -e /usr/sbin/policy-rc.d ]]; then
    printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d; chmod 755 /usr/sbin/policy-rc.d; made_policy=1
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${PACKAGES[@]}" >/dev/null || rc=$?
  ((made_policy)) && rm -f /usr/sbin/policy-rc.d
  ((rc == 0)) || die "apt-get install failed ($rc)"
}

running_pid() { # the PID of the samba master serving $D, if alive
  [[ -f $PIDF ]] || return 1
  local pid; pid=$(tr -dc 0-9 <"$PIDF")
  [[ -n $pid && -e /proc/$pid ]] || return 1
  [[ $(readlink "/proc/$pid/exe" 2>/dev/null) == */sbin/samba ]] || return 1
  local fds; fds=$(ls -l "/proc/$pid/fd" 2>/dev/null || true)
  [[ $fds == *" -> $D/"* ]] || return 1
  echo "$pid"
}

port_open() { (exec 3<>"/dev/tcp/$IP/$1") 2>/dev/null; }

write_krb5_conf() {
  cat >"$KCONF" <<EOF
[libdefaults]
	default_realm = $REALM
	dns_lookup_realm = false
	dns_lookup_kdc = false
	rdns = false
	dns_canonicalize_hostname = false
	udp_preference_limit = 1
[realms]
	$REALM = {
		kdc = $IP:88
		admin_server = $IP:464
		kpasswd_server = $IP:464
	}
[domain_realm]
	.$DNSDOMAIN = $REALM
	$DNSDOMAIN = $REALM
EOF
}

make_tls() {
  local t=$D/private/tls
  mkdir -p "$t"
  [[ -s $t/lab-key.pem && -s $t/lab-cert.pem && -s $CA ]] && return 0
  (
    cd "$t"; umask 077
    openssl req -x509 -newkey rsa:2048 -nodes -sha256 -days 3650 \
      -keyout lab-ca-key.pem -out lab-ca.pem -subj "/O=spnkt lab/CN=spnkt lab CA $REALM" \
      -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign 2>/dev/null
    openssl req -newkey rsa:2048 -nodes -sha256 -keyout lab-key.pem -out lab.csr \
      -subj "/O=spnkt lab/CN=$DCFQDN" 2>/dev/null
    printf '%s\n' "subjectAltName=DNS:$DCFQDN,DNS:$DCHOST,DNS:localhost,IP:127.0.0.1,IP:::1" \
      "basicConstraints=critical,CA:FALSE" "keyUsage=critical,digitalSignature,keyEncipherment" \
      "extendedKeyUsage=serverAuth" >lab.ext
    openssl x509 -req -sha256 -days 3650 -in lab.csr -CA lab-ca.pem -CAkey lab-ca-key.pem \
      -CAcreateserial -extfile lab.ext -out lab-cert.pem 2>/dev/null
    chmod 600 lab-key.pem lab-ca-key.pem; chmod 644 lab-ca.pem lab-cert.pem
  )
}

provision() {
  log "provision: $REALM into $D"
  rm -rf "$D"; mkdir -p "$D"/{run,log,cache}
  # TLS material first: smb.conf names it.
  make_tls
  local o=(
    "interfaces=lo" "bind interfaces only=yes"
    "server services=-dns -nbt -wrepl -dnsupdate -ntp_signd"
    "disable netbios=yes" "dns update command=/bin/true"
    "log file=$D/log/samba.log" "max log size=10000"
    "pid directory=$D/run" "ncalrpc dir=$D/run/ncalrpc"
    "winbindd socket directory=$D/run/winbindd" "ntp signd socket directory=$D/run/ntp_signd"
    "tls enabled=yes" "tls keyfile=$D/private/tls/lab-key.pem"
    "tls certfile=$D/private/tls/lab-cert.pem" "tls cafile=$CA"
  )
  local args=() x; for x in "${o[@]}"; do args+=(--option="$x"); done
  samba-tool domain provision --targetdir="$D" --realm="$REALM" --domain="$NETBIOS" \
    --server-role=dc --dns-backend=NONE --host-name="$DCHOST" --adminpass="$ADMIN_PW" \
    "${args[@]}" >"$D/log/provision.log" 2>&1 || { tail -20 "$D/log/provision.log" >&2; die "provision failed"; }
  # The provision wipes private/: make sure the TLS files are (still) there.
  make_tls
  samba-tool domain passwordsettings set --max-pwd-age=0 --min-pwd-age=0 -s "$CONF" \
    >>"$D/log/provision.log" 2>&1 || die "passwordsettings failed"
  write_krb5_conf
  touch "$D/.spnkt-lab"
}

spn_update() { # the DC account's SPNs (ldap/..., GC/..., ...), once, while samba is stopped
  [[ -f $D/.spns ]] && return 0
  KRB5_CONFIG=$KCONF samba_spnupdate -s "$CONF" --verbose >"$D/log/spnupdate.log" 2>&1 ||
    { tail -20 "$D/log/spnupdate.log" >&2; die "samba_spnupdate failed"; }
  touch "$D/.spns"
}

print_env() {
  cat <<EOF
export SPNKT_LAB_DIR='$D'
export SPNKT_LAB_REALM='$REALM'
export SPNKT_LAB_DOMAIN='$DNSDOMAIN'
export SPNKT_LAB_BASE_DN='$BASE_DN'
export SPNKT_LAB_DC_HOST='$DCFQDN'
export SPNKT_LAB_KDC='$IP:88'
export SPNKT_LAB_LDAPS_URL='ldaps://$IP:636'
export SPNKT_LAB_STARTTLS_URL='ldap://$IP:389'
export SPNKT_LAB_CA_CERT='$CA'
export SPNKT_LAB_KRB5_CONFIG='$KCONF'
export SPNKT_LAB_ADMIN_USER='Administrator@$REALM'
export SPNKT_LAB_ADMIN_DN='CN=Administrator,CN=Users,$BASE_DN'
export SPNKT_LAB_ADMIN_PASSWORD='$ADMIN_PW'
EOF
}

cmd_start() {
  set_dir "${1:-}"
  command -v samba >/dev/null || die "samba is not installed: run '$0 install'"
  local pid
  if pid=$(running_pid); then print_env | tee "$D/env.sh"; return 0; fi
  for p in 88 389 636 464 3268; do port_open $p && die "port $IP:$p is in use (another DC running?)"; done
  [[ -f $CONF && -f $D/.spnkt-lab ]] || provision
  write_krb5_conf
  spn_update
  rm -f "$PIDF"
  samba -D -d 1 -s "$CONF" >"$D/log/samba.out" 2>&1 </dev/null \
    || { tail -30 "$D/log/samba.out" "$D/log/samba.log" >&2 2>/dev/null; die "samba -D failed"; }
  local i; pid=
  for ((i = 0; i < 100; i++)); do pid=$(running_pid) && break; sleep 0.1; done
  [[ -n $pid ]] || die "samba did not write $PIDF"
  local ok=0
  for ((i = 0; i < 240; i++)); do
    kill -0 "$pid" 2>/dev/null || { tail -30 "$D/log/samba.log" >&2; die "samba exited during startup"; }
    if port_open 88 && port_open 636 && port_open 389 &&
       LDAPTLS_CACERT=$CA ldapsearch -x -LLL -H "ldaps://$IP" -b '' -s base defaultNamingContext >/dev/null 2>&1 &&
       printf '%s\n' "$ADMIN_PW" | KRB5_CONFIG=$KCONF KRB5CCNAME=FILE:$D/run/ready.ccache kinit "Administrator@$REALM" >/dev/null 2>&1
    then ok=1; break; fi
    sleep 0.25
  done
  ((ok)) || { tail -30 "$D/log/samba.log" >&2; die "samba not ready after 60 s"; }
  log "start: samba pid $pid ready"
  print_env | tee "$D/env.sh"
}

stop_test_apaches() { # Apaches left by tests/lab/apache-spnego.sh (a test killed mid-run)
  local d
  for d in /tmp/spnkt-e2e-apache-*/; do
    [[ -f $d/httpd.pid ]] || continue
    bash "$(dirname "$0")/apache-spnego.sh" stop "$d" || true
  done
}

cmd_stop() {
  set_dir "${1:-}"
  stop_test_apaches
  local pid
  pid=$(running_pid) || return 0
  kill -TERM "$pid"
  local i
  for ((i = 0; i < 100; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -0 "$pid" 2>/dev/null && kill -KILL "$pid"
  for ((i = 0; i < 100; i++)); do port_open 88 || port_open 389 || break; sleep 0.1; done
  log "stop: stopped pid $pid"
}

cmd_status() { set_dir "${1:-}"; running_pid >/dev/null; }
cmd_env() { set_dir "${1:-}"; print_env; }
cmd_clean() {
  set_dir "${1:-}"
  cmd_stop "$D"
  [[ ! -d $D ]] && return 0
  [[ -f $D/.spnkt-lab ]] || die "refusing to delete $D (no .spnkt-lab marker)"
  rm -rf "$D"
}

[[ $(id -u) == 0 ]] || die "must run as root (Samba's ports are privileged)"
cmd=${1:-}; shift || true
case $cmd in
  install | start | stop | status | env | clean) "cmd_$cmd" "$@" ;;
  *) sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
