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
