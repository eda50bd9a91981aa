# Sourced by the benches that work on the Samba AD lab (after its env.sh): LDAP as the
# lab's administrator, and the removal of a bench's accounts.
# shellcheck shell=bash

# ldap TOOL ARGS...: ldapsearch/ldapdelete/... over LDAPS, bound as the administrator.
ldap() { "$1" -x -H "$SPNKT_LAB_LDAPS_URL" -D "$SPNKT_LAB_ADMIN_USER" -w "$SPNKT_LAB_ADMIN_PASSWORD" "${@:2}"; }

# delete_accounts PATTERN: delete every account whose sAMAccountName matches PATTERN.
delete_accounts() {
  ldap ldapsearch -LLL -o ldif-wrap=no -b "$SPNKT_LAB_BASE_DN" "(sAMAccountName=$1)" 1.1 2>/dev/null |
    sed -n 's/^dn: //p' | while read -r dn; do ldap ldapdelete "$dn" >/dev/null 2>&1 || true; done
}

# tombstones: how many deleted objects the domain partition keeps. Every bench run leaves
# its accounts there (AD keeps them for 180 days), and Samba's adds and logins get
# slower as the database grows: a figure means little without it.
tombstones() {
  ldap ldapsearch -LLL -o ldif-wrap=no -E '!1.2.840.113556.1.4.417' -s one \
    -b "CN=Deleted Objects,$SPNKT_LAB_BASE_DN" '(objectClass=*)' 1.1 2>/dev/null | grep -c '^dn:' || true
}
