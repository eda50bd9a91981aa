#!/usr/bin/env bash
# apache-spnego.sh - Apache 2 + mod_auth_gssapi on 127.0.0.1, serving one page that
# only a Kerberos (SPNEGO) client gets: the real web server spnkt's keytabs are judged by.
#
#   apache-spnego.sh start DIR HOST KEYTAB [PORT]   start; prints the port (free one if
#                                                   PORT is not given); URL http://HOST:PORT/
#   apache-spnego.sh stop DIR                       stop the Apache started in DIR
#
# DIR is a fresh directory of its own (ServerRoot, PidFile, logs, a copy of the keytab);
# it must be traversable by www-data (e.g. under /tmp, mode 755). KRB5_CONFIG is taken
# from the environment, else SPNKT_LAB_KRB5_CONFIG, else /tmp/spnkt-lab/krb5.conf.
# With APACHE_SPNEGO_AUTH_CONF=FILE the authentication is FILE's, included verbatim at
# the server level (the mod_auth_gssapi block `spnkt config` writes, whose
# GssapiCredStore should name DIR/http.keytab, where the copy of KEYTAB is put)
# instead of the script's own directives.
#
# Test it:  KRB5CCNAME=... curl --negotiate -u : --resolve HOST:PORT:127.0.0.1 http://HOST:PORT/
#           -> 200 with a ticket for HTTP/HOST, 401 without one.
#
# What it takes (learned in shared/lab/ad-lab.sh and here):
# - the keytab must be readable by the user Apache's children run as (www-data when
#   started as root): the script installs a copy, mode 600, owned by that user;
# - mod_authz_user (Require valid-user) and mod_dir (DirectoryIndex for "/") besides
#   mod_auth_gssapi, mod_authn_core, mod_authz_core and an MPM;
# - `GssapiCredStore keytab:FILE` (no KRB5_KTNAME games), GssapiAllowedMech krb5,
#   GssapiBasicAuth Off so a missing ticket is a plain 401 Negotiate challenge;
# - Apache's environment carries KRB5_CONFIG to the children; a replay cache directory
#   of its own (KRB5RCACHEDIR) owned by the worker user.
set -Eeuo pipefail

# APACHE_SPNEGO_IP: the loopback address to listen on (default 127.0.0.1).
IP=${APACHE_SPNEGO_IP:-127.0.0.1}
MODS=/usr/lib/apache2/modules

log() { printf '[apache-spnego %s] %s\n' "$(date +%T)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }
port_open() { (exec 3<>"/dev/tcp/$IP/$1") 2>/dev/null; }

abs_dir() {
  local d=$1
  case $d in /*) ;; *) d=$PWD/$d ;; esac
  printf '%s' "${d%/}"
}

apache_pid() { # the PID of the Apache started for $A, if alive
  local pf=$A/httpd.pid pid cmdl
  [[ -f $pf ]] || return 1
  pid=$(tr -dc 0-9 <"$pf")
  [[ -n $pid && -e /proc/$pid ]] || return 1
  cmdl=$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null || true)
  [[ $cmdl == *"-f $A/httpd.conf"* ]] || return 1
  echo "$pid"
}

cmd_start() {
  (($# >= 3)) || die "usage: $0 start DIR HOST KEYTAB [PORT]"
  A=$(abs_dir "$1")
  local host=$2 keytab=$3 port=${4:-}
  command -v apache2 >/dev/null || [[ -x /usr/sbin/apache2 ]] || die "apache2 is not installed (tests/lab/samba-lab.sh install)"
  [[ -f $MODS/mod_auth_gssapi.so ]] || die "mod_auth_gssapi is not installed (libapache2-mod-auth-gssapi)"
  [[ -r $keytab ]] || die "cannot read keytab $keytab"
  local kconf=${KRB5_CONFIG:-${SPNKT_LAB_KRB5_CONFIG:-/tmp/spnkt-lab/krb5.conf}}
  [[ -r $kconf ]] || die "no krb5.conf at $kconf"
  local auth_conf=${APACHE_SPNEGO_AUTH_CONF:-}
  [[ -z $auth_conf || -r $auth_conf ]] || die "cannot read $auth_conf"
  apache_pid >/dev/null && die "an Apache already runs for $A"
  local fixed_port=$port
  local user='' group='' owner=()
  if [[ $(id -u) == 0 ]]; then user=www-data; group=www-data; owner=(-o "$user" -g "$group"); fi
  mkdir -p "$A/htdocs" "$A/logs" "$A/run" "$A/rcache"
  chmod 755 "$A" "$A/htdocs"
  echo "spnkt e2e: hello from $host" >"$A/htdocs/index.html"
  chmod 644 "$A/htdocs/index.html"
  install -m 600 "${owner[@]}" "$keytab" "$A/http.keytab"
  chmod 700 "$A/rcache"
  [[ -n $user ]] && chown "$user:$group" "$A/rcache"

  {
    echo "ServerRoot $A"
    echo "ServerName $host"
    echo "Listen $IP:$port"
    echo "PidFile $A/httpd.pid"
    echo "DefaultRuntimeDir $A/run"
    echo "Mutex file:$A/run"
    echo "ErrorLog $A/logs/error.log"
    echo "LogLevel warn auth_gssapi:info"
    echo "LoadModule mpm_event_module $MODS/mod_mpm_event.so"
    echo "LoadModule authn_core_module $MODS/mod_authn_core.so"
    echo "LoadModule authz_core_module $MODS/mod_authz_core.so"
    echo "LoadModule authz_user_module $MODS/mod_authz_user.so"
    echo "LoadModule dir_module $MODS/mod_dir.so"
    echo "LoadModule auth_gssapi_module $MODS/mod_auth_gssapi.so"
    [[ -n $user ]] && { echo "User $user"; echo "Group $group"; }
    echo 'LogFormat "%h %u \"%r\" %>s" simple'
    echo "CustomLog $A/logs/access.log simple"
    echo "DocumentRoot $A/htdocs"
    echo "DirectoryIndex index.html"
    echo "<Directory $A/htdocs>"
    if [[ -n $auth_conf ]]; then
      echo "</Directory>"
      echo "Include \"$auth_conf\""
    else
      echo "  AuthType GSSAPI"
      echo "  AuthName \"spnkt e2e\""
      echo "  GssapiCredStore keytab:$A/http.keytab"
      echo "  GssapiAllowedMech krb5"
      echo "  GssapiBasicAuth Off"
      echo "  Require valid-user"
      echo "</Directory>"
    fi
  } >"$A/httpd.conf"

  # Without a PORT: a random one below Linux's ephemeral range (32768-60999, where
  # client sockets could hold it), tried again if another server took it meanwhile
  # (several test processes start Apaches at the same time).
  local bin attempt i
  bin=$(command -v apache2 || echo /usr/sbin/apache2)
  for ((attempt = 0; attempt < 10; attempt++)); do
    port=$fixed_port
    if [[ -z $port ]]; then
      for ((i = 0; i < 100; i++)); do
        port=$((20000 + RANDOM % 12000))
        port_open "$port" || break
      done
    fi
    port_open "$port" && { [[ -n $fixed_port ]] && die "port $IP:$port is in use"; continue; }
    sed -i "s/^Listen .*/Listen $IP:$port/" "$A/httpd.conf"
    if env KRB5_CONFIG="$kconf" KRB5RCACHEDIR="$A/rcache" "$bin" -f "$A/httpd.conf" -k start \
      >"$A/logs/start.out" 2>&1; then
      for ((i = 0; i < 100; i++)); do
        if apache_pid >/dev/null; then
          # Ours is up: it answers on the port (a 401 for the page).
          port_open "$port" && { echo "$port"; return 0; }
        elif grep -qs 'Address already in use' "$A/logs/start.out" "$A/logs/error.log"; then
          break
        fi
        sleep 0.1
      done
    fi
    grep -qs 'Address already in use' "$A/logs/start.out" "$A/logs/error.log" || break
    [[ -n $fixed_port ]] && break
    cmd_stop "$A"; : >"$A/logs/error.log"
  done
  cat "$A/logs/start.out" "$A/logs/error.log" >&2 2>/dev/null || true
  die "apache2 did not start listening on $IP:$port"
}

cmd_stop() {
  (($# >= 1)) || die "usage: $0 stop DIR"
  A=$(abs_dir "$1")
  local pid i
  pid=$(apache_pid) || return 0
  kill -TERM "$pid"
  for ((i = 0; i < 100; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -0 "$pid" 2>/dev/null && kill -KILL "$pid"
  rm -f "$A/httpd.pid"
}

cmd=${1:-}; shift || true
case $cmd in
  start | stop) "cmd_$cmd" "$@" ;;
  *) sed -n '2,19p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
