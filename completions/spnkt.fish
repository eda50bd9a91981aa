# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_spnkt_global_optspecs
    string join \n json q/quiet h/help V/version
end

function __fish_spnkt_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_spnkt_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_spnkt_using_subcommand
    set -l cmd (__fish_spnkt_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c spnkt -n "__fish_spnkt_needs_command" -l json -d 'Print the result as one JSON object on standard output (errors too, as {"error": {...}})'
complete -c spnkt -n "__fish_spnkt_needs_command" -s q -l quiet -d 'Do not print notes and warnings on standard error (they stay in --json output)'
complete -c spnkt -n "__fish_spnkt_needs_command" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c spnkt -n "__fish_spnkt_needs_command" -s V -l version -d 'Print version'
complete -c spnkt -n "__fish_spnkt_needs_command" -f -a "keytab" -d 'Create, list, merge and edit keytab files (offline, no directory access)'
complete -c spnkt -n "__fish_spnkt_needs_command" -f -a "verify" -d 'Decrypt a captured service ticket with a keytab and say why it fails'
complete -c spnkt -n "__fish_spnkt_needs_command" -f -a "create" -d 'Create the AD account for HTTP/host, prove its keys with the KDC, write the keytab'
complete -c spnkt -n "__fish_spnkt_needs_command" -f -a "config" -d 'Write a keytab\'s web server settings: krb5.conf, Apache, Java, WebSphere, nginx'
complete -c spnkt -n "__fish_spnkt_needs_command" -f -a "rotate" -d 'Set a new random password and rewrite the keytab (keeping the previous kvno)'
complete -c spnkt -n "__fish_spnkt_needs_command" -f -a "delete" -d 'Delete the account holding HTTP/host (only one spnkt created, unless --force)'
complete -c spnkt -n "__fish_spnkt_needs_command" -f -a "apply" -d 'Converge the services of a plan file (TOML): create, repair, rotate, prune'
complete -c spnkt -n "__fish_spnkt_needs_command" -f -a "spn" -d 'List, add, remove and check service principal names (setspn)'
complete -c spnkt -n "__fish_spnkt_needs_command" -f -a "ktpass" -d 'Carry out a ktpass command line from a runbook, the spnkt way (explained, keys proven)'
complete -c spnkt -n "__fish_spnkt_needs_command" -f -a "setspn" -d 'Carry out a setspn command line (-S, -A, -D, -Q, -X, -L) with setspn\'s exit codes'
complete -c spnkt -n "__fish_spnkt_needs_command" -f -a "account" -d 'Show a service account as AD sees it'
complete -c spnkt -n "__fish_spnkt_needs_command" -f -a "doctor" -d 'Check a web site\'s whole SPNEGO path: DNS, SPN, KDC ticket, web server, keytab'
complete -c spnkt -n "__fish_spnkt_needs_command" -f -a "wizard" -d 'Guided setup: asks for the web site, account, delegation and keytab, then runs create'
complete -c spnkt -n "__fish_spnkt_needs_command" -f -a "generate" -d 'Generate man pages or shell completions'
complete -c spnkt -n "__fish_spnkt_using_subcommand keytab; and not __fish_seen_subcommand_from create derive list merge remove" -l json -d 'Print the result as one JSON object on standard output (errors too, as {"error": {...}})'
complete -c spnkt -n "__fish_spnkt_using_subcommand keytab; and not __fish_seen_subcommand_from create derive list merge remove" -s q -l quiet -d 'Do not print notes and warnings on standard error (they stay in --json output)'
complete -c spnkt -n "__fish_spnkt_using_subcommand keytab; and not __fish_seen_subcommand_from create derive list merge remove" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c spnkt -n "__fish_spnkt_using_subcommand keytab; and not __fish_seen_subcommand_from create derive list merge remove" -f -a "create" -d 'Derive keys from a password and write them to a keytab (ktpass without -mapuser)'
complete -c spnkt -n "__fish_spnkt_using_subcommand keytab; and not __fish_seen_subcommand_from create derive list merge remove" -f -a "derive" -d 'Derive an existing account\'s keytab from its current password (AD unchanged, keys proven)'
complete -c spnkt -n "__fish_spnkt_using_subcommand keytab; and not __fish_seen_subcommand_from create derive list merge remove" -f -a "list" -d 'List a keytab\'s entries (like `klist -kte`)'
complete -c spnkt -n "__fish_spnkt_using_subcommand keytab; and not __fish_seen_subcommand_from create derive list merge remove" -f -a "merge" -d 'Merge keytabs into one (like ktutil rkt/wkt)'
complete -c spnkt -n "__fish_spnkt_using_subcommand keytab; and not __fish_seen_subcommand_from create derive list merge remove" -f -a "remove" -d 'Remove entries from a keytab'
complete -c spnkt -n "__fish_spnkt_using_subcommand keytab; and __fish_seen_subcommand_from create" -s p -l principal -d 'Principal to write, with realm: HTTP/host.example.com@EXAMPLE.COM' -r
complete -c spnkt -n "__fish_spnkt_using_subcommand keytab; and __fish_seen_subcommand_from create" -l salt -d 'AES salt [default: MIT\'s, the realm followed by the name components]' -r
complete -c spnkt -n "__fish_spnkt_using_subcommand keytab; and __fish_seen_subcommand_from create" -l kvno -d 'Key version number: the account\'s msDS-KeyVersionNumber [default: 1]' -r
complete -c spnkt -n "__fish_spnkt_using_subcommand keytab; and __fish_seen_subcommand_from create" -l enctypes -d 'Encryption types, comma-separated: aes256, aes128, rc4 (or MIT names)' -r
complete -c spnkt -n "__fish_spnkt_using_subcommand keytab; and __fish_seen_subcommand_from create" -l iterations -d 'PBKDF2 iterations for AES keys (AD always uses 4096)' -r
complete -c spnkt -n "__fish_spnkt_using_subcommand keytab; and __fish_seen_subcommand_from create" -l ptype -d 'Name type recorded in the keytab' -r -f -a "principal\t'KRB5_NT_PRINCIPAL (1), as ktpass and MIT tools write by default'
srv-inst\t'KRB5_NT_SRV_INST (2)'
srv-hst\t'KRB5_NT_SRV_HST (3)'"
complete -c spnkt -n "__fish_spnkt_using_subcommand keytab; and __fish_seen_subcommand_from create" -l password-file -d 'Read the password from FILE (all of it, minus one trailing newline)' -r -F
complete -c spnkt -n "__fish_spnkt_using_subcommand keytab; and __fish_seen_subcommand_from create" -l password-env -d 'Read the password from environment variable VAR' -r
complete -c spnkt -n "__fish_spnkt_using_subcommand keytab; and __fish_seen_subcommand_from create" -s o -l out -d 'Keytab file to write' -r -F
complete -c spnkt -n "__fish_spnkt_using_subcommand keytab; and __fish_seen_subcommand_from create" -l password-stdin -d 'Read the password from the first line of standard input'
complete -c spnkt -n "__fish_spnkt_using_subcommand keytab; and __fish_seen_subcommand_from create" -l append -d 'Add to an existing keytab, replacing entries with the same principal, kvno and enctype'
complete -c spnkt -n "__fish_spnkt_using_subcommand keytab; and __fish_seen_subcommand_from create" -l force -d 'Overwrite an existing keytab'
complete -c spnkt -n "__fish_spnkt_using_subcommand keytab; and __fish_seen_subcommand_from create" -l json -d 'Print the result as one JSON object on standard output (errors too, as {"error": {...}})'
complete -c spnkt -n "__fish_spnkt_using_subcommand keytab; and __fish_seen_subcommand_from create" -s q -l quiet -d 'Do not print notes and warnings on standard error (they stay in --json output)'
complete -c spnkt -n "__fish_spnkt_using_subcommand keytab; and __fish_seen_subcommand_from create" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c spnkt -n "__fish_spnkt_using_subcommand keytab; and __fish_seen_subcommand_from derive" -l host -d 'The web site\'s host name: the account holding HTTP/HOST' -r
complete -c spnkt -n "__fish_spnkt_using_subcommand keytab; and __fish_seen_subcommand_from derive" -l account -d 'The account (sAMAccountName) [default: the one holding HTTP/HOST]' -r
complete -c spnkt -n "__fish_spnkt_using_subcommand keytab; and __fish_seen_subcommand_from derive" -s k -l keytab -d 'Keytab file to write' -r -F
complete -c spnkt -n "__fish_spnkt_using_subcommand keytab; and __fish_seen_subcommand_from derive" -l enctypes -d 'Encryption types, comma-separated: aes256, aes128, rc4' -r
complete -c spnkt -n "__fish_spnkt_using_subcommand keytab; and __fish_seen_subcommand_from derive" -l password-file -d 'Read the password from FILE (all of it, minus one trailing newline)' -r -F
complete -c spnkt -n "__fish_spnkt_using_subcommand keytab; and __fish_seen_subcommand_from derive" -l password-env -d 'Read the password from environment variable VAR' -r
complete -c spnkt -n "__fish_spnkt_using_subcommand keytab; and __fish_seen_subcommand_from derive" -l ldap-url -d 'Domain controller: ldaps://dc1.example.com or ldap://dc1.example.com with --starttls [default: ldaps://<target of DNS SRV _ldap._tcp.dc._msdcs.REALM>:636, else ldaps://<the realm\'s KDC>]' -r
complete -c spnkt -n "__fish_spnkt_using_subcommand keytab; and __fish_seen_subcommand_from derive" -l ca-cert -d 'PEM file with the CA of the domain controller\'s certificate (added to the system\'s CAs)' -r -F
complete -c spnkt -n "__fish_spnkt_using_subcommand keytab; and __fish_seen_subcommand_from derive" -l bind-user -d 'Account to bind as: user@REALM, DOMAIN\\user or a DN' -r
complete -c spnkt -n "__fish_spnkt_using_subcommand keytab; and __fish_seen_subcommand_from derive" -l bind-password-file -d 'Read the bind password from FILE (all of it, minus one trailing newline)' -r -F
complete -c spnkt -n "__fish_spnkt_using_subcommand keytab; and __fish_seen_subcommand_from derive" -l bind-password-env -d 'Read the bind password from environment variable VAR' -r
complete -c spnkt -n "__fish_spnkt_using_subcommand keytab; and __fish_seen_subcommand_from derive" -l bind-keytab -d 'Bind with Kerberos as --bind-user, logging in with its keys from FILE (a deploy account\'s keytab) into memory: no password anywhere' -r -F
complete -c spnkt -n "__fish_spnkt_using_subcommand keytab; and __fish_seen_subcommand_from derive" -l realm -d 'Kerberos realm (the AD domain in upper case) [default: default_realm from krb5.conf]' -r
complete -c spnkt -n "__fish_spnkt_using_subcommand keytab; and __fish_seen_subcommand_from derive" -l kdc -d 'KDC to ask for tickets, host[:port] [default: the domain controller\'s own (the LDAP host, port 88), so one DC answers the whole run; for verify --live: the realm\'s kdc in krb5.conf, else DNS SRV _kerberos._tcp.REALM]' -r
complete -c spnkt -n "__fish_spnkt_using_subcommand keytab; and __fish_seen_subcommand_from derive" -l base-dn -d 'Search base [default: the rootDSE\'s defaultNamingContext]' -r
complete -c spnkt -n "__fish_spnkt_using_subcommand keytab; and __fish_seen_subcommand_from derive" -l site -d 'AD site whose domain controllers DNS is asked for first (SRV _ldap._tcp.SITE._sites.dc._msdcs.REALM), when --ldap-url is not given' -r
complete -c spnkt -n "__fish_spnkt_using_subcommand keytab; and __fish_seen_subcommand_from derive" -l timeout -d 'Deadline for each LDAP operation and each KDC exchange; a connection that breaks or stalls is reopened and the operation retried once [default: 30 for LDAP, 10 for the KDC]' -r
complete -c spnkt -n "__fish_spnkt_using_subcommand keytab; and __fish_seen_subcommand_from derive" -l append -d 'Keep other principals\' entries of an existing keytab'
complete -c spnkt -n "__fish_spnkt_using_subcommand keytab; and __fish_seen_subcommand_from derive" -l force -d 'Overwrite an existing keytab'
complete -c spnkt -n "__fish_spnkt_using_subcommand keytab; and __fish_seen_subcommand_from derive" -l password-stdin -d 'Read the password from the first line of standard input'
complete -c spnkt -n "__fish_spnkt_using_subcommand keytab; and __fish_seen_subcommand_from derive" -l starttls -d 'Upgrade an ldap:// connection with StartTLS (plain LDAP is refused)'
complete -c spnkt -n "__fish_spnkt_using_subcommand keytab; and __fish_seen_subcommand_from derive" -l insecure-skip-verify -d 'Do not verify the domain controller\'s certificate (INSECURE: anyone on the path can read the bind password)'
complete -c spnkt -n "__fish_spnkt_using_subcommand keytab; and __fish_seen_subcommand_from derive" -l bind-password-stdin -d 'Read the bind password from the first line of standard input'
complete -c spnkt -n "__fish_spnkt_using_subcommand keytab; and __fish_seen_subcommand_from derive" -l bind-kerberos -d 'Bind with Kerberos using the ticket-granting ticket in your credential cache (KRB5CCNAME; kinit first): no password. ldaps:// with TLS channel binding, or ldap:// sealed by Kerberos'
complete -c spnkt -n "__fish_spnkt_using_subcommand keytab; and __fish_seen_subcommand_from derive" -l json -d 'Print the result as one JSON object on standard output (errors too, as {"error": {...}})'
complete -c spnkt -n "__fish_spnkt_using_subcommand keytab; and __fish_seen_subcommand_from derive" -s q -l quiet -d 'Do not print notes and warnings on standard error (they stay in --json output)'
complete -c spnkt -n "__fish_spnkt_using_subcommand keytab; and __fish_seen_subcommand_from derive" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c spnkt -n "__fish_spnkt_using_subcommand keytab; and __fish_seen_subcommand_from list" -l keys -d 'Also print the key bytes in hex (secret!)'
complete -c spnkt -n "__fish_spnkt_using_subcommand keytab; and __fish_seen_subcommand_from list" -l json -d 'Print the result as one JSON object on standard output (errors too, as {"error": {...}})'
complete -c spnkt -n "__fish_spnkt_using_subcommand keytab; and __fish_seen_subcommand_from list" -s q -l quiet -d 'Do not print notes and warnings on standard error (they stay in --json output)'
complete -c spnkt -n "__fish_spnkt_using_subcommand keytab; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c spnkt -n "__fish_spnkt_using_subcommand keytab; and __fish_seen_subcommand_from merge" -l json -d 'Print the result as one JSON object on standard output (errors too, as {"error": {...}})'
complete -c spnkt -n "__fish_spnkt_using_subcommand keytab; and __fish_seen_subcommand_from merge" -s q -l quiet -d 'Do not print notes and warnings on standard error (they stay in --json output)'
complete -c spnkt -n "__fish_spnkt_using_subcommand keytab; and __fish_seen_subcommand_from merge" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c spnkt -n "__fish_spnkt_using_subcommand keytab; and __fish_seen_subcommand_from remove" -s p -l principal -d 'Remove this principal\'s entries (exact match: keytab names are case-sensitive)' -r
complete -c spnkt -n "__fish_spnkt_using_subcommand keytab; and __fish_seen_subcommand_from remove" -l kvno -d 'Only entries with this key version number' -r
complete -c spnkt -n "__fish_spnkt_using_subcommand keytab; and __fish_seen_subcommand_from remove" -l enctype -d 'Only entries of this encryption type (name or number)' -r
complete -c spnkt -n "__fish_spnkt_using_subcommand keytab; and __fish_seen_subcommand_from remove" -l old-kvnos -d 'Remove every entry whose kvno is lower than the highest kvno of its principal'
complete -c spnkt -n "__fish_spnkt_using_subcommand keytab; and __fish_seen_subcommand_from remove" -l json -d 'Print the result as one JSON object on standard output (errors too, as {"error": {...}})'
complete -c spnkt -n "__fish_spnkt_using_subcommand keytab; and __fish_seen_subcommand_from remove" -s q -l quiet -d 'Do not print notes and warnings on standard error (they stay in --json output)'
complete -c spnkt -n "__fish_spnkt_using_subcommand keytab; and __fish_seen_subcommand_from remove" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c spnkt -n "__fish_spnkt_using_subcommand verify" -s k -l keytab -d 'Keytab with the service\'s keys [default: $KRB5_KTNAME]' -r -F
complete -c spnkt -n "__fish_spnkt_using_subcommand verify" -s t -l ticket -d 'The captured ticket: a file (Negotiate header, token, AP-REQ, ticket, .kirbi, ccache) or - for standard input; a log or HAR file with many Negotiate tokens, or a directory of captures, checks each and sums up' -r -F
complete -c spnkt -n "__fish_spnkt_using_subcommand verify" -s s -l service -d 'Only the tickets for this service principal (the realm may be left out)' -r
complete -c spnkt -n "__fish_spnkt_using_subcommand verify" -l spn -d 'With --live: the service principal to ask for [default: every principal in the keytab]' -r
complete -c spnkt -n "__fish_spnkt_using_subcommand verify" -l bind-user -d 'Account to bind as: user@REALM, DOMAIN\\user or a DN' -r
complete -c spnkt -n "__fish_spnkt_using_subcommand verify" -l bind-password-file -d 'Read the bind password from FILE (all of it, minus one trailing newline)' -r -F
complete -c spnkt -n "__fish_spnkt_using_subcommand verify" -l bind-password-env -d 'Read the bind password from environment variable VAR' -r
complete -c spnkt -n "__fish_spnkt_using_subcommand verify" -l realm -d 'Kerberos realm (the AD domain in upper case) [default: default_realm from krb5.conf]' -r
complete -c spnkt -n "__fish_spnkt_using_subcommand verify" -l kdc -d 'KDC to ask for tickets, host[:port] [default: the domain controller\'s own (the LDAP host, port 88), so one DC answers the whole run; for verify --live: the realm\'s kdc in krb5.conf, else DNS SRV _kerberos._tcp.REALM]' -r
complete -c spnkt -n "__fish_spnkt_using_subcommand verify" -l live -d 'Ask the KDC for a service ticket now (like `kvno -k`) and check it, instead of a captured --ticket'
complete -c spnkt -n "__fish_spnkt_using_subcommand verify" -l bind-password-stdin -d 'Read the bind password from the first line of standard input'
complete -c spnkt -n "__fish_spnkt_using_subcommand verify" -l json -d 'Print the result as one JSON object on standard output (errors too, as {"error": {...}})'
complete -c spnkt -n "__fish_spnkt_using_subcommand verify" -s q -l quiet -d 'Do not print notes and warnings on standard error (they stay in --json output)'
complete -c spnkt -n "__fish_spnkt_using_subcommand verify" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c spnkt -n "__fish_spnkt_using_subcommand create" -l host -d 'The web site\'s host name as users type it (a lower-case FQDN); the SPN is HTTP/HOST' -r
complete -c spnkt -n "__fish_spnkt_using_subcommand create" -s k -l keytab -d 'Keytab file to write' -r -F
complete -c spnkt -n "__fish_spnkt_using_subcommand create" -l account -d 'Account name (sAMAccountName, at most 20 characters) [default: svc-http-<first label of HOST>]' -r
complete -c spnkt -n "__fish_spnkt_using_subcommand create" -l ou -d 'Container for the new account [default: the domain\'s Users container, as its well-known object names it (CN=Users,<domain> unless redirected)]' -r
complete -c spnkt -n "__fish_spnkt_using_subcommand create" -l delegation -d 'Kerberos delegation; required without a terminal, so nobody gets or loses delegation by accident' -r -f -a "none\t'No delegation'
unconstrained\t'Trust this user for delegation to any service (Kerberos only): TRUSTED_FOR_DELEGATION, what WebSphere/HCL SPNEGO needs; the service can act as its users anywhere'
constrained\t'Only to the services given with --delegate-to (msDS-AllowedToDelegateTo)'"
complete -c spnkt -n "__fish_spnkt_using_subcommand create" -l delegate-to -d 'With --delegation constrained: an SPN the service may delegate to (repeatable)' -r
complete -c spnkt -n "__fish_spnkt_using_subcommand create" -l enctypes -d 'Encryption types, comma-separated: aes256, aes128, rc4 (rc4 only for old clients)' -r
complete -c spnkt -n "__fish_spnkt_using_subcommand create" -l password-file -d 'Read the password from FILE (all of it, minus one trailing newline)' -r -F
complete -c spnkt -n "__fish_spnkt_using_subcommand create" -l password-env -d 'Read the password from environment variable VAR' -r
complete -c spnkt -n "__fish_spnkt_using_subcommand create" -l replication-timeout -d 'How long to wait for replication (to --kdc on another DC, or with --wait-replication) [default: 120]' -r
complete -c spnkt -n "__fish_spnkt_using_subcommand create" -l dc -d 'With --wait-replication: wait only for this domain controller (host name; repeatable)' -r
complete -c spnkt -n "__fish_spnkt_using_subcommand create" -l ldap-url -d 'Domain controller: ldaps://dc1.example.com or ldap://dc1.example.com with --starttls [default: ldaps://<target of DNS SRV _ldap._tcp.dc._msdcs.REALM>:636, else ldaps://<the realm\'s KDC>]' -r
complete -c spnkt -n "__fish_spnkt_using_subcommand create" -l ca-cert -d 'PEM file with the CA of the domain controller\'s certificate (added to the system\'s CAs)' -r -F
complete -c spnkt -n "__fish_spnkt_using_subcommand create" -l bind-user -d 'Account to bind as: user@REALM, DOMAIN\\user or a DN' -r
complete -c spnkt -n "__fish_spnkt_using_subcommand create" -l bind-password-file -d 'Read the bind password from FILE (all of it, minus one trailing newline)' -r -F
complete -c spnkt -n "__fish_spnkt_using_subcommand create" -l bind-password-env -d 'Read the bind password from environment variable VAR' -r
complete -c spnkt -n "__fish_spnkt_using_subcommand create" -l bind-keytab -d 'Bind with Kerberos as --bind-user, logging in with its keys from FILE (a deploy account\'s keytab) into memory: no password anywhere' -r -F
complete -c spnkt -n "__fish_spnkt_using_subcommand create" -l realm -d 'Kerberos realm (the AD domain in upper case) [default: default_realm from krb5.conf]' -r
complete -c spnkt -n "__fish_spnkt_using_subcommand create" -l kdc -d 'KDC to ask for tickets, host[:port] [default: the domain controller\'s own (the LDAP host, port 88), so one DC answers the whole run; for verify --live: the realm\'s kdc in krb5.conf, else DNS SRV _kerberos._tcp.REALM]' -r
complete -c spnkt -n "__fish_spnkt_using_subcommand create" -l base-dn -d 'Search base [default: the rootDSE\'s defaultNamingContext]' -r
complete -c spnkt -n "__fish_spnkt_using_subcommand create" -l site -d 'AD site whose domain controllers DNS is asked for first (SRV _ldap._tcp.SITE._sites.dc._msdcs.REALM), when --ldap-url is not given' -r
complete -c spnkt -n "__fish_spnkt_using_subcommand create" -l timeout -d 'Deadline for each LDAP operation and each KDC exchange; a connection that breaks or stalls is reopened and the operation retried once [default: 30 for LDAP, 10 for the KDC]' -r
complete -c spnkt -n "__fish_spnkt_using_subcommand create" -l protocol-transition -d 'With --delegation constrained: allow protocol transition (TRUSTED_TO_AUTH_FOR_DELEGATION, "use any authentication protocol")'
complete -c spnkt -n "__fish_spnkt_using_subcommand create" -l no-upn -d 'Do not set userPrincipalName=HTTP/HOST@REALM (the keytab then also holds ACCOUNT@REALM)'
complete -c spnkt -n "__fish_spnkt_using_subcommand create" -l password-stdin -d 'Read the password from the first line of standard input'
complete -c spnkt -n "__fish_spnkt_using_subcommand create" -l rotate -d 'If the account exists (without HTTP/HOST), take it over: converge its attributes and reset its password'
complete -c spnkt -n "__fish_spnkt_using_subcommand create" -l no-dns-check -d 'Do not check HOST in DNS (by default spnkt resolves it and warns when it is an alias (CNAME), whose canonical name browsers ask a ticket for, has no record, or has a domain controller\'s address)'
complete -c spnkt -n "__fish_spnkt_using_subcommand create" -l dry-run -d 'Print the plan (every LDAP change and file write) and change nothing'
complete -c spnkt -n "__fish_spnkt_using_subcommand create" -s y -l yes -d 'Do not ask for confirmation (required without a terminal)'
complete -c spnkt -n "__fish_spnkt_using_subcommand create" -l append -d 'Keep other principals\' entries of an existing keytab (this principal\'s are replaced)'
complete -c spnkt -n "__fish_spnkt_using_subcommand create" -l force -d 'Overwrite an existing keytab'
complete -c spnkt -n "__fish_spnkt_using_subcommand create" -l wait-replication -d 'After the proof on the domain controller written to, wait until every domain controller of the domain accepts the new keys (the list comes from the directory)'
complete -c spnkt -n "__fish_spnkt_using_subcommand create" -l starttls -d 'Upgrade an ldap:// connection with StartTLS (plain LDAP is refused)'
complete -c spnkt -n "__fish_spnkt_using_subcommand create" -l insecure-skip-verify -d 'Do not verify the domain controller\'s certificate (INSECURE: anyone on the path can read the bind password)'
complete -c spnkt -n "__fish_spnkt_using_subcommand create" -l bind-password-stdin -d 'Read the bind password from the first line of standard input'
complete -c spnkt -n "__fish_spnkt_using_subcommand create" -l bind-kerberos -d 'Bind with Kerberos using the ticket-granting ticket in your credential cache (KRB5CCNAME; kinit first): no password. ldaps:// with TLS channel binding, or ldap:// sealed by Kerberos'
complete -c spnkt -n "__fish_spnkt_using_subcommand create" -l json -d 'Print the result as one JSON object on standard output (errors too, as {"error": {...}})'
complete -c spnkt -n "__fish_spnkt_using_subcommand create" -s q -l quiet -d 'Do not print notes and warnings on standard error (they stay in --json output)'
complete -c spnkt -n "__fish_spnkt_using_subcommand create" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c spnkt -n "__fish_spnkt_using_subcommand config" -s k -l keytab -d 'The keytab (as spnkt create wrote it): its HTTP/ principal, realm and encryption types' -r -F
complete -c spnkt -n "__fish_spnkt_using_subcommand config" -l for -d 'The web servers to write for, comma-separated or repeated [default: all]' -r -f -a "apache\t'Apache httpd with mod_auth_gssapi'
java\t'A Java server with the JDK\'s GSS-API (Tomcat, Jetty, Spring, ...): JAAS and JVM options'
websphere\t'IBM WebSphere Application Server (traditional), SPNEGO web authentication'
nginx\t'nginx with the spnego-http-auth module'"
complete -c spnkt -n "__fish_spnkt_using_subcommand config" -l spn -d 'The principal to write for when the keytab holds several HTTP/ ones: HTTP/HOST[@REALM]' -r
complete -c spnkt -n "__fish_spnkt_using_subcommand config" -l kdc -d 'KDC for krb5.conf, host[:port]; repeatable [default: the realm\'s kdc lines in krb5.conf, else DNS SRV _kerberos._tcp.REALM]' -r
complete -c spnkt -n "__fish_spnkt_using_subcommand config" -s o -l out -d 'Directory to write the files into (created if missing) [default: the keytab\'s directory]' -r -F
complete -c spnkt -n "__fish_spnkt_using_subcommand config" -l server-keytab -d 'Where the keytab will be on the web server; the files name it [default: the keytab\'s absolute path]' -r
complete -c spnkt -n "__fish_spnkt_using_subcommand config" -l server-dir -d 'Where these files will be on the web server; they name each other [default: the absolute path of --out]' -r
complete -c spnkt -n "__fish_spnkt_using_subcommand config" -l force -d 'Replace files that exist'
complete -c spnkt -n "__fish_spnkt_using_subcommand config" -l json -d 'Print the result as one JSON object on standard output (errors too, as {"error": {...}})'
complete -c spnkt -n "__fish_spnkt_using_subcommand config" -s q -l quiet -d 'Do not print notes and warnings on standard error (they stay in --json output)'
complete -c spnkt -n "__fish_spnkt_using_subcommand config" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c spnkt -n "__fish_spnkt_using_subcommand rotate" -l host -d 'The web site\'s host name; the account is the one holding HTTP/HOST' -r
complete -c spnkt -n "__fish_spnkt_using_subcommand rotate" -s k -l keytab -d 'Keytab to rewrite (created if missing)' -r -F
complete -c spnkt -n "__fish_spnkt_using_subcommand rotate" -l keep-old -d 'How many previous kvnos of the principal to keep in the keytab' -r
complete -c spnkt -n "__fish_spnkt_using_subcommand rotate" -l replication-timeout -d 'How long to wait for replication (to --kdc on another DC, or with --wait-replication) [default: 120]' -r
complete -c spnkt -n "__fish_spnkt_using_subcommand rotate" -l dc -d 'With --wait-replication: wait only for this domain controller (host name; repeatable)' -r
complete -c spnkt -n "__fish_spnkt_using_subcommand rotate" -l ldap-url -d 'Domain controller: ldaps://dc1.example.com or ldap://dc1.example.com with --starttls [default: ldaps://<target of DNS SRV _ldap._tcp.dc._msdcs.REALM>:636, else ldaps://<the realm\'s KDC>]' -r
complete -c spnkt -n "__fish_spnkt_using_subcommand rotate" -l ca-cert -d 'PEM file with the CA of the domain controller\'s certificate (added to the system\'s CAs)' -r -F
complete -c spnkt -n "__fish_spnkt_using_subcommand rotate" -l bind-user -d 'Account to bind as: user@REALM, DOMAIN\\user or a DN' -r
complete -c spnkt -n "__fish_spnkt_using_subcommand rotate" -l bind-password-file -d 'Read the bind password from FILE (all of it, minus one trailing newline)' -r -F
complete -c spnkt -n "__fish_spnkt_using_subcommand rotate" -l bind-password-env -d 'Read the bind password from environment variable VAR' -r
complete -c spnkt -n "__fish_spnkt_using_subcommand rotate" -l bind-keytab -d 'Bind with Kerberos as --bind-user, logging in with its keys from FILE (a deploy account\'s keytab) into memory: no password anywhere' -r -F
complete -c spnkt -n "__fish_spnkt_using_subcommand rotate" -l realm -d 'Kerberos realm (the AD domain in upper case) [default: default_realm from krb5.conf]' -r
complete -c spnkt -n "__fish_spnkt_using_subcommand rotate" -l kdc -d 'KDC to ask for tickets, host[:port] [default: the domain controller\'s own (the LDAP host, port 88), so one DC answers the whole run; for verify --live: the realm\'s kdc in krb5.conf, else DNS SRV _kerberos._tcp.REALM]' -r
complete -c spnkt -n "__fish_spnkt_using_subcommand rotate" -l base-dn -d 'Search base [default: the rootDSE\'s defaultNamingContext]' -r
complete -c spnkt -n "__fish_spnkt_using_subcommand rotate" -l site -d 'AD site whose domain controllers DNS is asked for first (SRV _ldap._tcp.SITE._sites.dc._msdcs.REALM), when --ldap-url is not given' -r
complete -c spnkt -n "__fish_spnkt_using_subcommand rotate" -l timeout -d 'Deadline for each LDAP operation and each KDC exchange; a connection that breaks or stalls is reopened and the operation retried once [default: 30 for LDAP, 10 for the KDC]' -r
complete -c spnkt -n "__fish_spnkt_using_subcommand rotate" -l dry-run -d 'Print the plan and change nothing'
complete -c spnkt -n "__fish_spnkt_using_subcommand rotate" -s y -l yes -d 'Do not ask for confirmation (required without a terminal)'
complete -c spnkt -n "__fish_spnkt_using_subcommand rotate" -l wait-replication -d 'After the proof on the domain controller written to, wait until every domain controller of the domain accepts the new keys (the list comes from the directory)'
complete -c spnkt -n "__fish_spnkt_using_subcommand rotate" -l starttls -d 'Upgrade an ldap:// connection with StartTLS (plain LDAP is refused)'
complete -c spnkt -n "__fish_spnkt_using_subcommand rotate" -l insecure-skip-verify -d 'Do not verify the domain controller\'s certificate (INSECURE: anyone on the path can read the bind password)'
complete -c spnkt -n "__fish_spnkt_using_subcommand rotate" -l bind-password-stdin -d 'Read the bind password from the first line of standard input'
complete -c spnkt -n "__fish_spnkt_using_subcommand rotate" -l bind-kerberos -d 'Bind with Kerberos using the ticket-granting ticket in your credential cache (KRB5CCNAME; kinit first): no password. ldaps:// with TLS channel binding, or ldap:// sealed by Kerberos'
complete -c spnkt -n "__fish_spnkt_using_subcommand rotate" -l json -d 'Print the result as one JSON object on standard output (errors too, as {"error": {...}})'
complete -c spnkt -n "__fish_spnkt_using_subcommand rotate" -s q -l quiet -d 'Do not print notes and warnings on standard error (they stay in --json output)'
complete -c spnkt -n "__fish_spnkt_using_subcommand rotate" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c spnkt -n "__fish_spnkt_using_subcommand delete" -l host -d 'The web site\'s host name; the account is the one holding HTTP/HOST' -r
complete -c spnkt -n "__fish_spnkt_using_subcommand delete" -l ldap-url -d 'Domain controller: ldaps://dc1.example.com or ldap://dc1.example.com with --starttls [default: ldaps://<target of DNS SRV _ldap._tcp.dc._msdcs.REALM>:636, else ldaps://<the realm\'s KDC>]' -r
complete -c spnkt -n "__fish_spnkt_using_subcommand delete" -l ca-cert -d 'PEM file with the CA of the domain controller\'s certificate (added to the system\'s CAs)' -r -F
complete -c spnkt -n "__fish_spnkt_using_subcommand delete" -l bind-user -d 'Account to bind as: user@REALM, DOMAIN\\user or a DN' -r
complete -c spnkt -n "__fish_spnkt_using_subcommand delete" -l bind-password-file -d 'Read the bind password from FILE (all of it, minus one trailing newline)' -r -F
complete -c spnkt -n "__fish_spnkt_using_subcommand delete" -l bind-password-env -d 'Read the bind password from environment variable VAR' -r
complete -c spnkt -n "__fish_spnkt_using_subcommand delete" -l bind-keytab -d 'Bind with Kerberos as --bind-user, logging in with its keys from FILE (a deploy account\'s keytab) into memory: no password anywhere' -r -F
complete -c spnkt -n "__fish_spnkt_using_subcommand delete" -l realm -d 'Kerberos realm (the AD domain in upper case) [default: default_realm from krb5.conf]' -r
complete -c spnkt -n "__fish_spnkt_using_subcommand delete" -l kdc -d 'KDC to ask for tickets, host[:port] [default: the domain controller\'s own (the LDAP host, port 88), so one DC answers the whole run; for verify --live: the realm\'s kdc in krb5.conf, else DNS SRV _kerberos._tcp.REALM]' -r
complete -c spnkt -n "__fish_spnkt_using_subcommand delete" -l base-dn -d 'Search base [default: the rootDSE\'s defaultNamingContext]' -r
complete -c spnkt -n "__fish_spnkt_using_subcommand delete" -l site -d 'AD site whose domain controllers DNS is asked for first (SRV _ldap._tcp.SITE._sites.dc._msdcs.REALM), when --ldap-url is not given' -r
complete -c spnkt -n "__fish_spnkt_using_subcommand delete" -l timeout -d 'Deadline for each LDAP operation and each KDC exchange; a connection that breaks or stalls is reopened and the operation retried once [default: 30 for LDAP, 10 for the KDC]' -r
complete -c spnkt -n "__fish_spnkt_using_subcommand delete" -s y -l yes -d 'Do not ask for confirmation (required without a terminal)'
complete -c spnkt -n "__fish_spnkt_using_subcommand delete" -l force -d 'Also delete an account spnkt did not create (never a computer account)'
complete -c spnkt -n "__fish_spnkt_using_subcommand delete" -l tree -d 'Delete the account with every object below it, in one operation (tree delete control; AD deletes no object that has any); they are listed first and asked about unless --yes'
complete -c spnkt -n "__fish_spnkt_using_subcommand delete" -l dry-run -d 'Print the plan and change nothing'
complete -c spnkt -n "__fish_spnkt_using_subcommand delete" -l starttls -d 'Upgrade an ldap:// connection with StartTLS (plain LDAP is refused)'
complete -c spnkt -n "__fish_spnkt_using_subcommand delete" -l insecure-skip-verify -d 'Do not verify the domain controller\'s certificate (INSECURE: anyone on the path can read the bind password)'
complete -c spnkt -n "__fish_spnkt_using_subcommand delete" -l bind-password-stdin -d 'Read the bind password from the first line of standard input'
complete -c spnkt -n "__fish_spnkt_using_subcommand delete" -l bind-kerberos -d 'Bind with Kerberos using the ticket-granting ticket in your credential cache (KRB5CCNAME; kinit first): no password. ldaps:// with TLS channel binding, or ldap:// sealed by Kerberos'
complete -c spnkt -n "__fish_spnkt_using_subcommand delete" -l json -d 'Print the result as one JSON object on standard output (errors too, as {"error": {...}})'
complete -c spnkt -n "__fish_spnkt_using_subcommand delete" -s q -l quiet -d 'Do not print notes and warnings on standard error (they stay in --json output)'
complete -c spnkt -n "__fish_spnkt_using_subcommand delete" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c spnkt -n "__fish_spnkt_using_subcommand apply" -l rotate -d 'Rotate this host\'s password and keytab even if not due (repeatable)' -r
complete -c spnkt -n "__fish_spnkt_using_subcommand apply" -l timeout -d 'Deadline for each LDAP operation and each KDC exchange; a connection that breaks or stalls is reopened and the operation retried once [default: 30 for LDAP, 10 for the KDC]' -r
complete -c spnkt -n "__fish_spnkt_using_subcommand apply" -s j -l jobs -d 'Change this many services at the same time, each over a connection of its own to the same domain controller (1: one after the other); the report keeps the plan\'s order and each keytab file is still written once' -r
complete -c spnkt -n "__fish_spnkt_using_subcommand apply" -l replication-timeout -d 'How long to wait for replication (to --kdc on another DC, or with --wait-replication) [default: 120]' -r
complete -c spnkt -n "__fish_spnkt_using_subcommand apply" -l dc -d 'With --wait-replication: wait only for this domain controller (host name; repeatable)' -r
complete -c spnkt -n "__fish_spnkt_using_subcommand apply" -l dry-run -d 'Print what would change and change nothing (exit status 10 if something would)'
complete -c spnkt -n "__fish_spnkt_using_subcommand apply" -l prune -d 'Also remove accounts this plan created that it no longer lists (needs --yes)'
complete -c spnkt -n "__fish_spnkt_using_subcommand apply" -s y -l yes -d 'Confirm --prune (apply itself never asks: the plan is the confirmation)'
complete -c spnkt -n "__fish_spnkt_using_subcommand apply" -l no-dns-check -d 'Do not check the services\' hosts in DNS (a service can also say dns_check = false)'
complete -c spnkt -n "__fish_spnkt_using_subcommand apply" -l timings -d 'Print where the time went at the end (each kind of step and phase: how often, in all, on average)'
complete -c spnkt -n "__fish_spnkt_using_subcommand apply" -l wait-replication -d 'After the proof on the domain controller written to, wait until every domain controller of the domain accepts the new keys (the list comes from the directory)'
complete -c spnkt -n "__fish_spnkt_using_subcommand apply" -l json -d 'Print the result as one JSON object on standard output (errors too, as {"error": {...}})'
complete -c spnkt -n "__fish_spnkt_using_subcommand apply" -s q -l quiet -d 'Do not print notes and warnings on standard error (they stay in --json output)'
complete -c spnkt -n "__fish_spnkt_using_subcommand apply" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c spnkt -n "__fish_spnkt_using_subcommand spn; and not __fish_seen_subcommand_from list add remove check" -l json -d 'Print the result as one JSON object on standard output (errors too, as {"error": {...}})'
complete -c spnkt -n "__fish_spnkt_using_subcommand spn; and not __fish_seen_subcommand_from list add remove check" -s q -l quiet -d 'Do not print notes and warnings on standard error (they stay in --json output)'
complete -c spnkt -n "__fish_spnkt_using_subcommand spn; and not __fish_seen_subcommand_from list add remove check" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c spnkt -n "__fish_spnkt_using_subcommand spn; and not __fish_seen_subcommand_from list add remove check" -f -a "list" -d 'List SPNs: of an account, for a host, or every HTTP/ SPN (setspn -L / -Q)'
complete -c spnkt -n "__fish_spnkt_using_subcommand spn; and not __fish_seen_subcommand_from list add remove check" -f -a "add" -d 'Add an SPN to an account (refused if any object holds it already)'
complete -c spnkt -n "__fish_spnkt_using_subcommand spn; and not __fish_seen_subcommand_from list add remove check" -f -a "remove" -d 'Remove an SPN from an account'
complete -c spnkt -n "__fish_spnkt_using_subcommand spn; and not __fish_seen_subcommand_from list add remove check" -f -a "check" -d 'Report duplicate SPNs and HOST/ clashes (setspn -X); exit status 4 when any are found'
complete -c spnkt -n "__fish_spnkt_using_subcommand spn; and __fish_seen_subcommand_from list" -l account -d 'The SPNs of this account (sAMAccountName)' -r
complete -c spnkt -n "__fish_spnkt_using_subcommand spn; and __fish_seen_subcommand_from list" -l host -d 'Every SPN for this host name, whichever account holds it' -r
complete -c spnkt -n "__fish_spnkt_using_subcommand spn; and __fish_seen_subcommand_from list" -l ldap-url -d 'Domain controller: ldaps://dc1.example.com or ldap://dc1.example.com with --starttls [default: ldaps://<target of DNS SRV _ldap._tcp.dc._msdcs.REALM>:636, else ldaps://<the realm\'s KDC>]' -r
complete -c spnkt -n "__fish_spnkt_using_subcommand spn; and __fish_seen_subcommand_from list" -l ca-cert -d 'PEM file with the CA of the domain controller\'s certificate (added to the system\'s CAs)' -r -F
complete -c spnkt -n "__fish_spnkt_using_subcommand spn; and __fish_seen_subcommand_from list" -l bind-user -d 'Account to bind as: user@REALM, DOMAIN\\user or a DN' -r
complete -c spnkt -n "__fish_spnkt_using_subcommand spn; and __fish_seen_subcommand_from list" -l bind-password-file -d 'Read the bind password from FILE (all of it, minus one trailing newline)' -r -F
complete -c spnkt -n "__fish_spnkt_using_subcommand spn; and __fish_seen_subcommand_from list" -l bind-password-env -d 'Read the bind password from environment variable VAR' -r
complete -c spnkt -n "__fish_spnkt_using_subcommand spn; and __fish_seen_subcommand_from list" -l bind-keytab -d 'Bind with Kerberos as --bind-user, logging in with its keys from FILE (a deploy account\'s keytab) into memory: no password anywhere' -r -F
complete -c spnkt -n "__fish_spnkt_using_subcommand spn; and __fish_seen_subcommand_from list" -l realm -d 'Kerberos realm (the AD domain in upper case) [default: default_realm from krb5.conf]' -r
complete -c spnkt -n "__fish_spnkt_using_subcommand spn; and __fish_seen_subcommand_from list" -l kdc -d 'KDC to ask for tickets, host[:port] [default: the domain controller\'s own (the LDAP host, port 88), so one DC answers the whole run; for verify --live: the realm\'s kdc in krb5.conf, else DNS SRV _kerberos._tcp.REALM]' -r
complete -c spnkt -n "__fish_spnkt_using_subcommand spn; and __fish_seen_subcommand_from list" -l base-dn -d 'Search base [default: the rootDSE\'s defaultNamingContext]' -r
complete -c spnkt -n "__fish_spnkt_using_subcommand spn; and __fish_seen_subcommand_from list" -l site -d 'AD site whose domain controllers DNS is asked for first (SRV _ldap._tcp.SITE._sites.dc._msdcs.REALM), when --ldap-url is not given' -r
complete -c spnkt -n "__fish_spnkt_using_subcommand spn; and __fish_seen_subcommand_from list" -l timeout -d 'Deadline for each LDAP operation and each KDC exchange; a connection that breaks or stalls is reopened and the operation retried once [default: 30 for LDAP, 10 for the KDC]' -r
complete -c spnkt -n "__fish_spnkt_using_subcommand spn; and __fish_seen_subcommand_from list" -l starttls -d 'Upgrade an ldap:// connection with StartTLS (plain LDAP is refused)'
complete -c spnkt -n "__fish_spnkt_using_subcommand spn; and __fish_seen_subcommand_from list" -l insecure-skip-verify -d 'Do not verify the domain controller\'s certificate (INSECURE: anyone on the path can read the bind password)'
complete -c spnkt -n "__fish_spnkt_using_subcommand spn; and __fish_seen_subcommand_from list" -l bind-password-stdin -d 'Read the bind password from the first line of standard input'
complete -c spnkt -n "__fish_spnkt_using_subcommand spn; and __fish_seen_subcommand_from list" -l bind-kerberos -d 'Bind with Kerberos using the ticket-granting ticket in your credential cache (KRB5CCNAME; kinit first): no password. ldaps:// with TLS channel binding, or ldap:// sealed by Kerberos'
complete -c spnkt -n "__fish_spnkt_using_subcommand spn; and __fish_seen_subcommand_from list" -l json -d 'Print the result as one JSON object on standard output (errors too, as {"error": {...}})'
complete -c spnkt -n "__fish_spnkt_using_subcommand spn; and __fish_seen_subcommand_from list" -s q -l quiet -d 'Do not print notes and warnings on standard error (they stay in --json output)'
complete -c spnkt -n "__fish_spnkt_using_subcommand spn; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c spnkt -n "__fish_spnkt_using_subcommand spn; and __fish_seen_subcommand_from add" -l account -d 'The account (sAMAccountName)' -r
complete -c spnkt -n "__fish_spnkt_using_subcommand spn; and __fish_seen_subcommand_from add" -l ldap-url -d 'Domain controller: ldaps://dc1.example.com or ldap://dc1.example.com with --starttls [default: ldaps://<target of DNS SRV _ldap._tcp.dc._msdcs.REALM>:636, else ldaps://<the realm\'s KDC>]' -r
complete -c spnkt -n "__fish_spnkt_using_subcommand spn; and __fish_seen_subcommand_from add" -l ca-cert -d 'PEM file with the CA of the domain controller\'s certificate (added to the system\'s CAs)' -r -F
complete -c spnkt -n "__fish_spnkt_using_subcommand spn; and __fish_seen_subcommand_from add" -l bind-user -d 'Account to bind as: user@REALM, DOMAIN\\user or a DN' -r
complete -c spnkt -n "__fish_spnkt_using_subcommand spn; and __fish_seen_subcommand_from add" -l bind-password-file -d 'Read the bind password from FILE (all of it, minus one trailing newline)' -r -F
complete -c spnkt -n "__fish_spnkt_using_subcommand spn; and __fish_seen_subcommand_from add" -l bind-password-env -d 'Read the bind password from environment variable VAR' -r
complete -c spnkt -n "__fish_spnkt_using_subcommand spn; and __fish_seen_subcommand_from add" -l bind-keytab -d 'Bind with Kerberos as --bind-user, logging in with its keys from FILE (a deploy account\'s keytab) into memory: no password anywhere' -r -F
complete -c spnkt -n "__fish_spnkt_using_subcommand spn; and __fish_seen_subcommand_from add" -l realm -d 'Kerberos realm (the AD domain in upper case) [default: default_realm from krb5.conf]' -r
complete -c spnkt -n "__fish_spnkt_using_subcommand spn; and __fish_seen_subcommand_from add" -l kdc -d 'KDC to ask for tickets, host[:port] [default: the domain controller\'s own (the LDAP host, port 88), so one DC answers the whole run; for verify --live: the realm\'s kdc in krb5.conf, else DNS SRV _kerberos._tcp.REALM]' -r
complete -c spnkt -n "__fish_spnkt_using_subcommand spn; and __fish_seen_subcommand_from add" -l base-dn -d 'Search base [default: the rootDSE\'s defaultNamingContext]' -r
complete -c spnkt -n "__fish_spnkt_using_subcommand spn; and __fish_seen_subcommand_from add" -l site -d 'AD site whose domain controllers DNS is asked for first (SRV _ldap._tcp.SITE._sites.dc._msdcs.REALM), when --ldap-url is not given' -r
complete -c spnkt -n "__fish_spnkt_using_subcommand spn; and __fish_seen_subcommand_from add" -l timeout -d 'Deadline for each LDAP operation and each KDC exchange; a connection that breaks or stalls is reopened and the operation retried once [default: 30 for LDAP, 10 for the KDC]' -r
complete -c spnkt -n "__fish_spnkt_using_subcommand spn; and __fish_seen_subcommand_from add" -l starttls -d 'Upgrade an ldap:// connection with StartTLS (plain LDAP is refused)'
complete -c spnkt -n "__fish_spnkt_using_subcommand spn; and __fish_seen_subcommand_from add" -l insecure-skip-verify -d 'Do not verify the domain controller\'s certificate (INSECURE: anyone on the path can read the bind password)'
complete -c spnkt -n "__fish_spnkt_using_subcommand spn; and __fish_seen_subcommand_from add" -l bind-password-stdin -d 'Read the bind password from the first line of standard input'
complete -c spnkt -n "__fish_spnkt_using_subcommand spn; and __fish_seen_subcommand_from add" -l bind-kerberos -d 'Bind with Kerberos using the ticket-granting ticket in your credential cache (KRB5CCNAME; kinit first): no password. ldaps:// with TLS channel binding, or ldap:// sealed by Kerberos'
complete -c spnkt -n "__fish_spnkt_using_subcommand spn; and __fish_seen_subcommand_from add" -l json -d 'Print the result as one JSON object on standard output (errors too, as {"error": {...}})'
complete -c spnkt -n "__fish_spnkt_using_subcommand spn; and __fish_seen_subcommand_from add" -s q -l quiet -d 'Do not print notes and warnings on standard error (they stay in --json output)'
complete -c spnkt -n "__fish_spnkt_using_subcommand spn; and __fish_seen_subcommand_from add" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c spnkt -n "__fish_spnkt_using_subcommand spn; and __fish_seen_subcommand_from remove" -l account -d 'The account (sAMAccountName)' -r
complete -c spnkt -n "__fish_spnkt_using_subcommand spn; and __fish_seen_subcommand_from remove" -l ldap-url -d 'Domain controller: ldaps://dc1.example.com or ldap://dc1.example.com with --starttls [default: ldaps://<target of DNS SRV _ldap._tcp.dc._msdcs.REALM>:636, else ldaps://<the realm\'s KDC>]' -r
complete -c spnkt -n "__fish_spnkt_using_subcommand spn; and __fish_seen_subcommand_from remove" -l ca-cert -d 'PEM file with the CA of the domain controller\'s certificate (added to the system\'s CAs)' -r -F
complete -c spnkt -n "__fish_spnkt_using_subcommand spn; and __fish_seen_subcommand_from remove" -l bind-user -d 'Account to bind as: user@REALM, DOMAIN\\user or a DN' -r
complete -c spnkt -n "__fish_spnkt_using_subcommand spn; and __fish_seen_subcommand_from remove" -l bind-password-file -d 'Read the bind password from FILE (all of it, minus one trailing newline)' -r -F
complete -c spnkt -n "__fish_spnkt_using_subcommand spn; and __fish_seen_subcommand_from remove" -l bind-password-env -d 'Read the bind password from environment variable VAR' -r
complete -c spnkt -n "__fish_spnkt_using_subcommand spn; and __fish_seen_subcommand_from remove" -l bind-keytab -d 'Bind with Kerberos as --bind-user, logging in with its keys from FILE (a deploy account\'s keytab) into memory: no password anywhere' -r -F
complete -c spnkt -n "__fish_spnkt_using_subcommand spn; and __fish_seen_subcommand_from remove" -l realm -d 'Kerberos realm (the AD domain in upper case) [default: default_realm from krb5.conf]' -r
complete -c spnkt -n "__fish_spnkt_using_subcommand spn; and __fish_seen_subcommand_from remove" -l kdc -d 'KDC to ask for tickets, host[:port] [default: the domain controller\'s own (the LDAP host, port 88), so one DC answers the whole run; for verify --live: the realm\'s kdc in krb5.conf, else DNS SRV _kerberos._tcp.REALM]' -r
complete -c spnkt -n "__fish_spnkt_using_subcommand spn; and __fish_seen_subcommand_from remove" -l base-dn -d 'Search base [default: the rootDSE\'s defaultNamingContext]' -r
complete -c spnkt -n "__fish_spnkt_using_subcommand spn; and __fish_seen_subcommand_from remove" -l site -d 'AD site whose domain controllers DNS is asked for first (SRV _ldap._tcp.SITE._sites.dc._msdcs.REALM), when --ldap-url is not given' -r
complete -c spnkt -n "__fish_spnkt_using_subcommand spn; and __fish_seen_subcommand_from remove" -l timeout -d 'Deadline for each LDAP operation and each KDC exchange; a connection that breaks or stalls is reopened and the operation retried once [default: 30 for LDAP, 10 for the KDC]' -r
complete -c spnkt -n "__fish_spnkt_using_subcommand spn; and __fish_seen_subcommand_from remove" -l starttls -d 'Upgrade an ldap:// connection with StartTLS (plain LDAP is refused)'
complete -c spnkt -n "__fish_spnkt_using_subcommand spn; and __fish_seen_subcommand_from remove" -l insecure-skip-verify -d 'Do not verify the domain controller\'s certificate (INSECURE: anyone on the path can read the bind password)'
complete -c spnkt -n "__fish_spnkt_using_subcommand spn; and __fish_seen_subcommand_from remove" -l bind-password-stdin -d 'Read the bind password from the first line of standard input'
complete -c spnkt -n "__fish_spnkt_using_subcommand spn; and __fish_seen_subcommand_from remove" -l bind-kerberos -d 'Bind with Kerberos using the ticket-granting ticket in your credential cache (KRB5CCNAME; kinit first): no password. ldaps:// with TLS channel binding, or ldap:// sealed by Kerberos'
complete -c spnkt -n "__fish_spnkt_using_subcommand spn; and __fish_seen_subcommand_from remove" -l json -d 'Print the result as one JSON object on standard output (errors too, as {"error": {...}})'
complete -c spnkt -n "__fish_spnkt_using_subcommand spn; and __fish_seen_subcommand_from remove" -s q -l quiet -d 'Do not print notes and warnings on standard error (they stay in --json output)'
complete -c spnkt -n "__fish_spnkt_using_subcommand spn; and __fish_seen_subcommand_from remove" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c spnkt -n "__fish_spnkt_using_subcommand spn; and __fish_seen_subcommand_from check" -l host -d 'Only SPNs for this host name' -r
complete -c spnkt -n "__fish_spnkt_using_subcommand spn; and __fish_seen_subcommand_from check" -l ldap-url -d 'Domain controller: ldaps://dc1.example.com or ldap://dc1.example.com with --starttls [default: ldaps://<target of DNS SRV _ldap._tcp.dc._msdcs.REALM>:636, else ldaps://<the realm\'s KDC>]' -r
complete -c spnkt -n "__fish_spnkt_using_subcommand spn; and __fish_seen_subcommand_from check" -l ca-cert -d 'PEM file with the CA of the domain controller\'s certificate (added to the system\'s CAs)' -r -F
complete -c spnkt -n "__fish_spnkt_using_subcommand spn; and __fish_seen_subcommand_from check" -l bind-user -d 'Account to bind as: user@REALM, DOMAIN\\user or a DN' -r
complete -c spnkt -n "__fish_spnkt_using_subcommand spn; and __fish_seen_subcommand_from check" -l bind-password-file -d 'Read the bind password from FILE (all of it, minus one trailing newline)' -r -F
complete -c spnkt -n "__fish_spnkt_using_subcommand spn; and __fish_seen_subcommand_from check" -l bind-password-env -d 'Read the bind password from environment variable VAR' -r
complete -c spnkt -n "__fish_spnkt_using_subcommand spn; and __fish_seen_subcommand_from check" -l bind-keytab -d 'Bind with Kerberos as --bind-user, logging in with its keys from FILE (a deploy account\'s keytab) into memory: no password anywhere' -r -F
complete -c spnkt -n "__fish_spnkt_using_subcommand spn; and __fish_seen_subcommand_from check" -l realm -d 'Kerberos realm (the AD domain in upper case) [default: default_realm from krb5.conf]' -r
complete -c spnkt -n "__fish_spnkt_using_subcommand spn; and __fish_seen_subcommand_from check" -l kdc -d 'KDC to ask for tickets, host[:port] [default: the domain controller\'s own (the LDAP host, port 88), so one DC answers the whole run; for verify --live: the realm\'s kdc in krb5.conf, else DNS SRV _kerberos._tcp.REALM]' -r
complete -c spnkt -n "__fish_spnkt_using_subcommand spn; and __fish_seen_subcommand_from check" -l base-dn -d 'Search base [default: the rootDSE\'s defaultNamingContext]' -r
complete -c spnkt -n "__fish_spnkt_using_subcommand spn; and __fish_seen_subcommand_from check" -l site -d 'AD site whose domain controllers DNS is asked for first (SRV _ldap._tcp.SITE._sites.dc._msdcs.REALM), when --ldap-url is not given' -r
complete -c spnkt -n "__fish_spnkt_using_subcommand spn; and __fish_seen_subcommand_from check" -l timeout -d 'Deadline for each LDAP operation and each KDC exchange; a connection that breaks or stalls is reopened and the operation retried once [default: 30 for LDAP, 10 for the KDC]' -r
complete -c spnkt -n "__fish_spnkt_using_subcommand spn; and __fish_seen_subcommand_from check" -l no-dns-check -d 'With --host: do not check the host in DNS (by default spnkt resolves it and reports what browsers will ask a ticket for)'
complete -c spnkt -n "__fish_spnkt_using_subcommand spn; and __fish_seen_subcommand_from check" -l starttls -d 'Upgrade an ldap:// connection with StartTLS (plain LDAP is refused)'
complete -c spnkt -n "__fish_spnkt_using_subcommand spn; and __fish_seen_subcommand_from check" -l insecure-skip-verify -d 'Do not verify the domain controller\'s certificate (INSECURE: anyone on the path can read the bind password)'
complete -c spnkt -n "__fish_spnkt_using_subcommand spn; and __fish_seen_subcommand_from check" -l bind-password-stdin -d 'Read the bind password from the first line of standard input'
complete -c spnkt -n "__fish_spnkt_using_subcommand spn; and __fish_seen_subcommand_from check" -l bind-kerberos -d 'Bind with Kerberos using the ticket-granting ticket in your credential cache (KRB5CCNAME; kinit first): no password. ldaps:// with TLS channel binding, or ldap:// sealed by Kerberos'
complete -c spnkt -n "__fish_spnkt_using_subcommand spn; and __fish_seen_subcommand_from check" -l json -d 'Print the result as one JSON object on standard output (errors too, as {"error": {...}})'
complete -c spnkt -n "__fish_spnkt_using_subcommand spn; and __fish_seen_subcommand_from check" -s q -l quiet -d 'Do not print notes and warnings on standard error (they stay in --json output)'
complete -c spnkt -n "__fish_spnkt_using_subcommand spn; and __fish_seen_subcommand_from check" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c spnkt -n "__fish_spnkt_using_subcommand ktpass" -l delegation -d 'Kerberos delegation: ktpass sets none, WebSphere/HCL SPNEGO needs unconstrained (asked on a terminal, else required)' -r -f -a "none\t'No delegation'
unconstrained\t'Trust this user for delegation to any service (Kerberos only): TRUSTED_FOR_DELEGATION, what WebSphere/HCL SPNEGO needs; the service can act as its users anywhere'
constrained\t'Only to the services given with --delegate-to (msDS-AllowedToDelegateTo)'"
complete -c spnkt -n "__fish_spnkt_using_subcommand ktpass" -l password-file -d 'Read the password from FILE (all of it, minus one trailing newline)' -r -F
complete -c spnkt -n "__fish_spnkt_using_subcommand ktpass" -l password-env -d 'Read the password from environment variable VAR' -r
complete -c spnkt -n "__fish_spnkt_using_subcommand ktpass" -l replication-timeout -d 'How long to wait for replication (to --kdc on another DC, or with --wait-replication) [default: 120]' -r
complete -c spnkt -n "__fish_spnkt_using_subcommand ktpass" -l dc -d 'With --wait-replication: wait only for this domain controller (host name; repeatable)' -r
complete -c spnkt -n "__fish_spnkt_using_subcommand ktpass" -l ldap-url -d 'Domain controller: ldaps://dc1.example.com or ldap://dc1.example.com with --starttls [default: ldaps://<target of DNS SRV _ldap._tcp.dc._msdcs.REALM>:636, else ldaps://<the realm\'s KDC>]' -r
complete -c spnkt -n "__fish_spnkt_using_subcommand ktpass" -l ca-cert -d 'PEM file with the CA of the domain controller\'s certificate (added to the system\'s CAs)' -r -F
complete -c spnkt -n "__fish_spnkt_using_subcommand ktpass" -l bind-user -d 'Account to bind as: user@REALM, DOMAIN\\user or a DN' -r
complete -c spnkt -n "__fish_spnkt_using_subcommand ktpass" -l bind-password-file -d 'Read the bind password from FILE (all of it, minus one trailing newline)' -r -F
complete -c spnkt -n "__fish_spnkt_using_subcommand ktpass" -l bind-password-env -d 'Read the bind password from environment variable VAR' -r
complete -c spnkt -n "__fish_spnkt_using_subcommand ktpass" -l bind-keytab -d 'Bind with Kerberos as --bind-user, logging in with its keys from FILE (a deploy account\'s keytab) into memory: no password anywhere' -r -F
complete -c spnkt -n "__fish_spnkt_using_subcommand ktpass" -l realm -d 'Kerberos realm (the AD domain in upper case) [default: default_realm from krb5.conf]' -r
complete -c spnkt -n "__fish_spnkt_using_subcommand ktpass" -l kdc -d 'KDC to ask for tickets, host[:port] [default: the domain controller\'s own (the LDAP host, port 88), so one DC answers the whole run; for verify --live: the realm\'s kdc in krb5.conf, else DNS SRV _kerberos._tcp.REALM]' -r
complete -c spnkt -n "__fish_spnkt_using_subcommand ktpass" -l base-dn -d 'Search base [default: the rootDSE\'s defaultNamingContext]' -r
complete -c spnkt -n "__fish_spnkt_using_subcommand ktpass" -l site -d 'AD site whose domain controllers DNS is asked for first (SRV _ldap._tcp.SITE._sites.dc._msdcs.REALM), when --ldap-url is not given' -r
complete -c spnkt -n "__fish_spnkt_using_subcommand ktpass" -l timeout -d 'Deadline for each LDAP operation and each KDC exchange; a connection that breaks or stalls is reopened and the operation retried once [default: 30 for LDAP, 10 for the KDC]' -r
complete -c spnkt -n "__fish_spnkt_using_subcommand ktpass" -l dry-run -d 'Say what the line would do and show the plan; change nothing (as ktpass\'s -answer)'
complete -c spnkt -n "__fish_spnkt_using_subcommand ktpass" -l yes -d 'Do not ask for confirmation (as ktpass\'s +answer; required without a terminal)'
complete -c spnkt -n "__fish_spnkt_using_subcommand ktpass" -l no-dns-check -d 'Do not look the host up in DNS (see spnkt create --help)'
complete -c spnkt -n "__fish_spnkt_using_subcommand ktpass" -l password-stdin -d 'Read the password from the first line of standard input'
complete -c spnkt -n "__fish_spnkt_using_subcommand ktpass" -l wait-replication -d 'After the proof on the domain controller written to, wait until every domain controller of the domain accepts the new keys (the list comes from the directory)'
complete -c spnkt -n "__fish_spnkt_using_subcommand ktpass" -l starttls -d 'Upgrade an ldap:// connection with StartTLS (plain LDAP is refused)'
complete -c spnkt -n "__fish_spnkt_using_subcommand ktpass" -l insecure-skip-verify -d 'Do not verify the domain controller\'s certificate (INSECURE: anyone on the path can read the bind password)'
complete -c spnkt -n "__fish_spnkt_using_subcommand ktpass" -l bind-password-stdin -d 'Read the bind password from the first line of standard input'
complete -c spnkt -n "__fish_spnkt_using_subcommand ktpass" -l bind-kerberos -d 'Bind with Kerberos using the ticket-granting ticket in your credential cache (KRB5CCNAME; kinit first): no password. ldaps:// with TLS channel binding, or ldap:// sealed by Kerberos'
complete -c spnkt -n "__fish_spnkt_using_subcommand ktpass" -l json -d 'Print the result as one JSON object on standard output (errors too, as {"error": {...}})'
complete -c spnkt -n "__fish_spnkt_using_subcommand ktpass" -s q -l quiet -d 'Do not print notes and warnings on standard error (they stay in --json output)'
complete -c spnkt -n "__fish_spnkt_using_subcommand ktpass" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c spnkt -n "__fish_spnkt_using_subcommand setspn" -l ldap-url -d 'Domain controller: ldaps://dc1.example.com or ldap://dc1.example.com with --starttls [default: ldaps://<target of DNS SRV _ldap._tcp.dc._msdcs.REALM>:636, else ldaps://<the realm\'s KDC>]' -r
complete -c spnkt -n "__fish_spnkt_using_subcommand setspn" -l ca-cert -d 'PEM file with the CA of the domain controller\'s certificate (added to the system\'s CAs)' -r -F
complete -c spnkt -n "__fish_spnkt_using_subcommand setspn" -l bind-user -d 'Account to bind as: user@REALM, DOMAIN\\user or a DN' -r
complete -c spnkt -n "__fish_spnkt_using_subcommand setspn" -l bind-password-file -d 'Read the bind password from FILE (all of it, minus one trailing newline)' -r -F
complete -c spnkt -n "__fish_spnkt_using_subcommand setspn" -l bind-password-env -d 'Read the bind password from environment variable VAR' -r
complete -c spnkt -n "__fish_spnkt_using_subcommand setspn" -l bind-keytab -d 'Bind with Kerberos as --bind-user, logging in with its keys from FILE (a deploy account\'s keytab) into memory: no password anywhere' -r -F
complete -c spnkt -n "__fish_spnkt_using_subcommand setspn" -l realm -d 'Kerberos realm (the AD domain in upper case) [default: default_realm from krb5.conf]' -r
complete -c spnkt -n "__fish_spnkt_using_subcommand setspn" -l kdc -d 'KDC to ask for tickets, host[:port] [default: the domain controller\'s own (the LDAP host, port 88), so one DC answers the whole run; for verify --live: the realm\'s kdc in krb5.conf, else DNS SRV _kerberos._tcp.REALM]' -r
complete -c spnkt -n "__fish_spnkt_using_subcommand setspn" -l base-dn -d 'Search base [default: the rootDSE\'s defaultNamingContext]' -r
complete -c spnkt -n "__fish_spnkt_using_subcommand setspn" -l site -d 'AD site whose domain controllers DNS is asked for first (SRV _ldap._tcp.SITE._sites.dc._msdcs.REALM), when --ldap-url is not given' -r
complete -c spnkt -n "__fish_spnkt_using_subcommand setspn" -l timeout -d 'Deadline for each LDAP operation and each KDC exchange; a connection that breaks or stalls is reopened and the operation retried once [default: 30 for LDAP, 10 for the KDC]' -r
complete -c spnkt -n "__fish_spnkt_using_subcommand setspn" -l starttls -d 'Upgrade an ldap:// connection with StartTLS (plain LDAP is refused)'
complete -c spnkt -n "__fish_spnkt_using_subcommand setspn" -l insecure-skip-verify -d 'Do not verify the domain controller\'s certificate (INSECURE: anyone on the path can read the bind password)'
complete -c spnkt -n "__fish_spnkt_using_subcommand setspn" -l bind-password-stdin -d 'Read the bind password from the first line of standard input'
complete -c spnkt -n "__fish_spnkt_using_subcommand setspn" -l bind-kerberos -d 'Bind with Kerberos using the ticket-granting ticket in your credential cache (KRB5CCNAME; kinit first): no password. ldaps:// with TLS channel binding, or ldap:// sealed by Kerberos'
complete -c spnkt -n "__fish_spnkt_using_subcommand setspn" -l json -d 'Print the result as one JSON object on standard output (errors too, as {"error": {...}})'
complete -c spnkt -n "__fish_spnkt_using_subcommand setspn" -s q -l quiet -d 'Do not print notes and warnings on standard error (they stay in --json output)'
complete -c spnkt -n "__fish_spnkt_using_subcommand setspn" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c spnkt -n "__fish_spnkt_using_subcommand account; and not __fish_seen_subcommand_from show" -l json -d 'Print the result as one JSON object on standard output (errors too, as {"error": {...}})'
complete -c spnkt -n "__fish_spnkt_using_subcommand account; and not __fish_seen_subcommand_from show" -s q -l quiet -d 'Do not print notes and warnings on standard error (they stay in --json output)'
complete -c spnkt -n "__fish_spnkt_using_subcommand account; and not __fish_seen_subcommand_from show" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c spnkt -n "__fish_spnkt_using_subcommand account; and not __fish_seen_subcommand_from show" -f -a "show" -d 'The account holding HTTP/HOST: SPNs, UPN, flags, enctypes, kvno, password age, delegation'
complete -c spnkt -n "__fish_spnkt_using_subcommand account; and __fish_seen_subcommand_from show" -l host -d 'The web site\'s host name; the account is the one holding HTTP/HOST' -r
complete -c spnkt -n "__fish_spnkt_using_subcommand account; and __fish_seen_subcommand_from show" -s k -l keytab -d 'Also check that this keytab holds the account\'s current kvno and enctypes' -r -F
complete -c spnkt -n "__fish_spnkt_using_subcommand account; and __fish_seen_subcommand_from show" -l ldap-url -d 'Domain controller: ldaps://dc1.example.com or ldap://dc1.example.com with --starttls [default: ldaps://<target of DNS SRV _ldap._tcp.dc._msdcs.REALM>:636, else ldaps://<the realm\'s KDC>]' -r
complete -c spnkt -n "__fish_spnkt_using_subcommand account; and __fish_seen_subcommand_from show" -l ca-cert -d 'PEM file with the CA of the domain controller\'s certificate (added to the system\'s CAs)' -r -F
complete -c spnkt -n "__fish_spnkt_using_subcommand account; and __fish_seen_subcommand_from show" -l bind-user -d 'Account to bind as: user@REALM, DOMAIN\\user or a DN' -r
complete -c spnkt -n "__fish_spnkt_using_subcommand account; and __fish_seen_subcommand_from show" -l bind-password-file -d 'Read the bind password from FILE (all of it, minus one trailing newline)' -r -F
complete -c spnkt -n "__fish_spnkt_using_subcommand account; and __fish_seen_subcommand_from show" -l bind-password-env -d 'Read the bind password from environment variable VAR' -r
complete -c spnkt -n "__fish_spnkt_using_subcommand account; and __fish_seen_subcommand_from show" -l bind-keytab -d 'Bind with Kerberos as --bind-user, logging in with its keys from FILE (a deploy account\'s keytab) into memory: no password anywhere' -r -F
complete -c spnkt -n "__fish_spnkt_using_subcommand account; and __fish_seen_subcommand_from show" -l realm -d 'Kerberos realm (the AD domain in upper case) [default: default_realm from krb5.conf]' -r
complete -c spnkt -n "__fish_spnkt_using_subcommand account; and __fish_seen_subcommand_from show" -l kdc -d 'KDC to ask for tickets, host[:port] [default: the domain controller\'s own (the LDAP host, port 88), so one DC answers the whole run; for verify --live: the realm\'s kdc in krb5.conf, else DNS SRV _kerberos._tcp.REALM]' -r
complete -c spnkt -n "__fish_spnkt_using_subcommand account; and __fish_seen_subcommand_from show" -l base-dn -d 'Search base [default: the rootDSE\'s defaultNamingContext]' -r
complete -c spnkt -n "__fish_spnkt_using_subcommand account; and __fish_seen_subcommand_from show" -l site -d 'AD site whose domain controllers DNS is asked for first (SRV _ldap._tcp.SITE._sites.dc._msdcs.REALM), when --ldap-url is not given' -r
complete -c spnkt -n "__fish_spnkt_using_subcommand account; and __fish_seen_subcommand_from show" -l timeout -d 'Deadline for each LDAP operation and each KDC exchange; a connection that breaks or stalls is reopened and the operation retried once [default: 30 for LDAP, 10 for the KDC]' -r
complete -c spnkt -n "__fish_spnkt_using_subcommand account; and __fish_seen_subcommand_from show" -l starttls -d 'Upgrade an ldap:// connection with StartTLS (plain LDAP is refused)'
complete -c spnkt -n "__fish_spnkt_using_subcommand account; and __fish_seen_subcommand_from show" -l insecure-skip-verify -d 'Do not verify the domain controller\'s certificate (INSECURE: anyone on the path can read the bind password)'
complete -c spnkt -n "__fish_spnkt_using_subcommand account; and __fish_seen_subcommand_from show" -l bind-password-stdin -d 'Read the bind password from the first line of standard input'
complete -c spnkt -n "__fish_spnkt_using_subcommand account; and __fish_seen_subcommand_from show" -l bind-kerberos -d 'Bind with Kerberos using the ticket-granting ticket in your credential cache (KRB5CCNAME; kinit first): no password. ldaps:// with TLS channel binding, or ldap:// sealed by Kerberos'
complete -c spnkt -n "__fish_spnkt_using_subcommand account; and __fish_seen_subcommand_from show" -l json -d 'Print the result as one JSON object on standard output (errors too, as {"error": {...}})'
complete -c spnkt -n "__fish_spnkt_using_subcommand account; and __fish_seen_subcommand_from show" -s q -l quiet -d 'Do not print notes and warnings on standard error (they stay in --json output)'
complete -c spnkt -n "__fish_spnkt_using_subcommand account; and __fish_seen_subcommand_from show" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c spnkt -n "__fish_spnkt_using_subcommand doctor" -s k -l keytab -d 'The web server\'s keytab: also decrypt the ticket with it and say why it fails (run on the web server)' -r -F
complete -c spnkt -n "__fish_spnkt_using_subcommand doctor" -l ldap-url -d 'Domain controller: ldaps://dc1.example.com or ldap://dc1.example.com with --starttls [default: ldaps://<target of DNS SRV _ldap._tcp.dc._msdcs.REALM>:636, else ldaps://<the realm\'s KDC>]' -r
complete -c spnkt -n "__fish_spnkt_using_subcommand doctor" -l ca-cert -d 'PEM file with the CA of the domain controller\'s certificate (added to the system\'s CAs)' -r -F
complete -c spnkt -n "__fish_spnkt_using_subcommand doctor" -l bind-user -d 'Account to bind as: user@REALM, DOMAIN\\user or a DN' -r
complete -c spnkt -n "__fish_spnkt_using_subcommand doctor" -l bind-password-file -d 'Read the bind password from FILE (all of it, minus one trailing newline)' -r -F
complete -c spnkt -n "__fish_spnkt_using_subcommand doctor" -l bind-password-env -d 'Read the bind password from environment variable VAR' -r
complete -c spnkt -n "__fish_spnkt_using_subcommand doctor" -l bind-keytab -d 'Bind with Kerberos as --bind-user, logging in with its keys from FILE (a deploy account\'s keytab) into memory: no password anywhere' -r -F
complete -c spnkt -n "__fish_spnkt_using_subcommand doctor" -l realm -d 'Kerberos realm (the AD domain in upper case) [default: default_realm from krb5.conf]' -r
complete -c spnkt -n "__fish_spnkt_using_subcommand doctor" -l kdc -d 'KDC to ask for tickets, host[:port] [default: the domain controller\'s own (the LDAP host, port 88), so one DC answers the whole run; for verify --live: the realm\'s kdc in krb5.conf, else DNS SRV _kerberos._tcp.REALM]' -r
complete -c spnkt -n "__fish_spnkt_using_subcommand doctor" -l base-dn -d 'Search base [default: the rootDSE\'s defaultNamingContext]' -r
complete -c spnkt -n "__fish_spnkt_using_subcommand doctor" -l site -d 'AD site whose domain controllers DNS is asked for first (SRV _ldap._tcp.SITE._sites.dc._msdcs.REALM), when --ldap-url is not given' -r
complete -c spnkt -n "__fish_spnkt_using_subcommand doctor" -l timeout -d 'Deadline for each LDAP operation and each KDC exchange; a connection that breaks or stalls is reopened and the operation retried once [default: 30 for LDAP, 10 for the KDC]' -r
complete -c spnkt -n "__fish_spnkt_using_subcommand doctor" -l starttls -d 'Upgrade an ldap:// connection with StartTLS (plain LDAP is refused)'
complete -c spnkt -n "__fish_spnkt_using_subcommand doctor" -l insecure-skip-verify -d 'Do not verify the domain controller\'s certificate (INSECURE: anyone on the path can read the bind password)'
complete -c spnkt -n "__fish_spnkt_using_subcommand doctor" -l bind-password-stdin -d 'Read the bind password from the first line of standard input'
complete -c spnkt -n "__fish_spnkt_using_subcommand doctor" -l bind-kerberos -d 'Bind with Kerberos using the ticket-granting ticket in your credential cache (KRB5CCNAME; kinit first): no password. ldaps:// with TLS channel binding, or ldap:// sealed by Kerberos'
complete -c spnkt -n "__fish_spnkt_using_subcommand doctor" -l json -d 'Print the result as one JSON object on standard output (errors too, as {"error": {...}})'
complete -c spnkt -n "__fish_spnkt_using_subcommand doctor" -s q -l quiet -d 'Do not print notes and warnings on standard error (they stay in --json output)'
complete -c spnkt -n "__fish_spnkt_using_subcommand doctor" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c spnkt -n "__fish_spnkt_using_subcommand wizard" -l ldap-url -d 'Domain controller: ldaps://dc1.example.com or ldap://dc1.example.com with --starttls [default: ldaps://<target of DNS SRV _ldap._tcp.dc._msdcs.REALM>:636, else ldaps://<the realm\'s KDC>]' -r
complete -c spnkt -n "__fish_spnkt_using_subcommand wizard" -l ca-cert -d 'PEM file with the CA of the domain controller\'s certificate (added to the system\'s CAs)' -r -F
complete -c spnkt -n "__fish_spnkt_using_subcommand wizard" -l bind-user -d 'Account to bind as: user@REALM, DOMAIN\\user or a DN' -r
complete -c spnkt -n "__fish_spnkt_using_subcommand wizard" -l bind-password-file -d 'Read the bind password from FILE (all of it, minus one trailing newline)' -r -F
complete -c spnkt -n "__fish_spnkt_using_subcommand wizard" -l bind-password-env -d 'Read the bind password from environment variable VAR' -r
complete -c spnkt -n "__fish_spnkt_using_subcommand wizard" -l bind-keytab -d 'Bind with Kerberos as --bind-user, logging in with its keys from FILE (a deploy account\'s keytab) into memory: no password anywhere' -r -F
complete -c spnkt -n "__fish_spnkt_using_subcommand wizard" -l realm -d 'Kerberos realm (the AD domain in upper case) [default: default_realm from krb5.conf]' -r
complete -c spnkt -n "__fish_spnkt_using_subcommand wizard" -l kdc -d 'KDC to ask for tickets, host[:port] [default: the domain controller\'s own (the LDAP host, port 88), so one DC answers the whole run; for verify --live: the realm\'s kdc in krb5.conf, else DNS SRV _kerberos._tcp.REALM]' -r
complete -c spnkt -n "__fish_spnkt_using_subcommand wizard" -l base-dn -d 'Search base [default: the rootDSE\'s defaultNamingContext]' -r
complete -c spnkt -n "__fish_spnkt_using_subcommand wizard" -l site -d 'AD site whose domain controllers DNS is asked for first (SRV _ldap._tcp.SITE._sites.dc._msdcs.REALM), when --ldap-url is not given' -r
complete -c spnkt -n "__fish_spnkt_using_subcommand wizard" -l timeout -d 'Deadline for each LDAP operation and each KDC exchange; a connection that breaks or stalls is reopened and the operation retried once [default: 30 for LDAP, 10 for the KDC]' -r
complete -c spnkt -n "__fish_spnkt_using_subcommand wizard" -l no-dns-check -d 'Do not check the web site\'s host name in DNS (by default the wizard resolves it and offers the canonical name of an alias, which is what browsers ask a ticket for)'
complete -c spnkt -n "__fish_spnkt_using_subcommand wizard" -l starttls -d 'Upgrade an ldap:// connection with StartTLS (plain LDAP is refused)'
complete -c spnkt -n "__fish_spnkt_using_subcommand wizard" -l insecure-skip-verify -d 'Do not verify the domain controller\'s certificate (INSECURE: anyone on the path can read the bind password)'
complete -c spnkt -n "__fish_spnkt_using_subcommand wizard" -l bind-password-stdin -d 'Read the bind password from the first line of standard input'
complete -c spnkt -n "__fish_spnkt_using_subcommand wizard" -l bind-kerberos -d 'Bind with Kerberos using the ticket-granting ticket in your credential cache (KRB5CCNAME; kinit first): no password. ldaps:// with TLS channel binding, or ldap:// sealed by Kerberos'
complete -c spnkt -n "__fish_spnkt_using_subcommand wizard" -l json -d 'Print the result as one JSON object on standard output (errors too, as {"error": {...}})'
complete -c spnkt -n "__fish_spnkt_using_subcommand wizard" -s q -l quiet -d 'Do not print notes and warnings on standard error (they stay in --json output)'
complete -c spnkt -n "__fish_spnkt_using_subcommand wizard" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c spnkt -n "__fish_spnkt_using_subcommand generate; and not __fish_seen_subcommand_from man completions" -l json -d 'Print the result as one JSON object on standard output (errors too, as {"error": {...}})'
complete -c spnkt -n "__fish_spnkt_using_subcommand generate; and not __fish_seen_subcommand_from man completions" -s q -l quiet -d 'Do not print notes and warnings on standard error (they stay in --json output)'
complete -c spnkt -n "__fish_spnkt_using_subcommand generate; and not __fish_seen_subcommand_from man completions" -s h -l help -d 'Print help'
complete -c spnkt -n "__fish_spnkt_using_subcommand generate; and not __fish_seen_subcommand_from man completions" -f -a "man" -d 'Write man pages (spnkt.1, spnkt-keytab.1, ...) into DIR'
complete -c spnkt -n "__fish_spnkt_using_subcommand generate; and not __fish_seen_subcommand_from man completions" -f -a "completions" -d 'Print a completion script for SHELL (or write it into --dir)'
complete -c spnkt -n "__fish_spnkt_using_subcommand generate; and __fish_seen_subcommand_from man" -l json -d 'Print the result as one JSON object on standard output (errors too, as {"error": {...}})'
complete -c spnkt -n "__fish_spnkt_using_subcommand generate; and __fish_seen_subcommand_from man" -s q -l quiet -d 'Do not print notes and warnings on standard error (they stay in --json output)'
complete -c spnkt -n "__fish_spnkt_using_subcommand generate; and __fish_seen_subcommand_from man" -s h -l help -d 'Print help'
complete -c spnkt -n "__fish_spnkt_using_subcommand generate; and __fish_seen_subcommand_from completions" -l dir -d 'Write the script into DIR under its conventional name instead of printing it' -r -F
complete -c spnkt -n "__fish_spnkt_using_subcommand generate; and __fish_seen_subcommand_from completions" -l json -d 'Print the result as one JSON object on standard output (errors too, as {"error": {...}})'
complete -c spnkt -n "__fish_spnkt_using_subcommand generate; and __fish_seen_subcommand_from completions" -s q -l quiet -d 'Do not print notes and warnings on standard error (they stay in --json output)'
complete -c spnkt -n "__fish_spnkt_using_subcommand generate; and __fish_seen_subcommand_from completions" -s h -l help -d 'Print help'
