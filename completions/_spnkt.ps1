
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'spnkt' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'spnkt'
        for ($i = 1; $i -lt $commandElements.Count; $i++) {
            $element = $commandElements[$i]
            if ($element -isnot [StringConstantExpressionAst] -or
                $element.StringConstantType -ne [StringConstantType]::BareWord -or
                $element.Value.StartsWith('-') -or
                $element.Value -eq $wordToComplete) {
                break
        }
        $element.Value
    }) -join ';'

    $completions = @(switch ($command) {
        'spnkt' {
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print the result as one JSON object on standard output (errors too, as {"error": {...}})')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Do not print notes and warnings on standard error (they stay in --json output)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Do not print notes and warnings on standard error (they stay in --json output)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('keytab', 'keytab', [CompletionResultType]::ParameterValue, 'Create, list, merge and edit keytab files (offline, no directory access)')
            [CompletionResult]::new('verify', 'verify', [CompletionResultType]::ParameterValue, 'Decrypt a captured service ticket with a keytab and say why it fails')
            [CompletionResult]::new('create', 'create', [CompletionResultType]::ParameterValue, 'Create the AD account for HTTP/host, prove its keys with the KDC, write the keytab')
            [CompletionResult]::new('rotate', 'rotate', [CompletionResultType]::ParameterValue, 'Set a new random password and rewrite the keytab (keeping the previous kvno)')
            [CompletionResult]::new('delete', 'delete', [CompletionResultType]::ParameterValue, 'Delete the account holding HTTP/host (only one spnkt created, unless --force)')
            [CompletionResult]::new('apply', 'apply', [CompletionResultType]::ParameterValue, 'Converge the services of a plan file (TOML): create, repair, rotate, prune')
            [CompletionResult]::new('spn', 'spn', [CompletionResultType]::ParameterValue, 'List, add, remove and check service principal names (setspn)')
            [CompletionResult]::new('account', 'account', [CompletionResultType]::ParameterValue, 'Show a service account as AD sees it')
            [CompletionResult]::new('wizard', 'wizard', [CompletionResultType]::ParameterValue, 'Guided setup: asks for the web site, account, delegation and keytab, then runs create')
            [CompletionResult]::new('generate', 'generate', [CompletionResultType]::ParameterValue, 'Generate man pages or shell completions')
            break
        }
        'spnkt;keytab' {
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print the result as one JSON object on standard output (errors too, as {"error": {...}})')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Do not print notes and warnings on standard error (they stay in --json output)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Do not print notes and warnings on standard error (they stay in --json output)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('create', 'create', [CompletionResultType]::ParameterValue, 'Derive keys from a password and write them to a keytab (ktpass without -mapuser)')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List a keytab''s entries (like `klist -kte`)')
            [CompletionResult]::new('merge', 'merge', [CompletionResultType]::ParameterValue, 'Merge keytabs into one (like ktutil rkt/wkt)')
            [CompletionResult]::new('remove', 'remove', [CompletionResultType]::ParameterValue, 'Remove entries from a keytab')
            break
        }
        'spnkt;keytab;create' {
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Principal to write, with realm: HTTP/host.example.com@EXAMPLE.COM')
            [CompletionResult]::new('--principal', '--principal', [CompletionResultType]::ParameterName, 'Principal to write, with realm: HTTP/host.example.com@EXAMPLE.COM')
            [CompletionResult]::new('--salt', '--salt', [CompletionResultType]::ParameterName, 'AES salt [default: MIT''s, the realm followed by the name components]')
            [CompletionResult]::new('--kvno', '--kvno', [CompletionResultType]::ParameterName, 'Key version number: the account''s msDS-KeyVersionNumber [default: 1]')
            [CompletionResult]::new('--enctypes', '--enctypes', [CompletionResultType]::ParameterName, 'Encryption types, comma-separated: aes256, aes128, rc4 (or MIT names)')
            [CompletionResult]::new('--iterations', '--iterations', [CompletionResultType]::ParameterName, 'PBKDF2 iterations for AES keys (AD always uses 4096)')
            [CompletionResult]::new('--ptype', '--ptype', [CompletionResultType]::ParameterName, 'Name type recorded in the keytab')
            [CompletionResult]::new('--password-file', '--password-file', [CompletionResultType]::ParameterName, 'Read the password from FILE (all of it, minus one trailing newline)')
            [CompletionResult]::new('--password-env', '--password-env', [CompletionResultType]::ParameterName, 'Read the password from environment variable VAR')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Keytab file to write')
            [CompletionResult]::new('--out', '--out', [CompletionResultType]::ParameterName, 'Keytab file to write')
            [CompletionResult]::new('--password-stdin', '--password-stdin', [CompletionResultType]::ParameterName, 'Read the password from the first line of standard input')
            [CompletionResult]::new('--append', '--append', [CompletionResultType]::ParameterName, 'Add to an existing keytab, replacing entries with the same principal, kvno and enctype')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Overwrite an existing keytab')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print the result as one JSON object on standard output (errors too, as {"error": {...}})')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Do not print notes and warnings on standard error (they stay in --json output)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Do not print notes and warnings on standard error (they stay in --json output)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'spnkt;keytab;list' {
            [CompletionResult]::new('--keys', '--keys', [CompletionResultType]::ParameterName, 'Also print the key bytes in hex (secret!)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print the result as one JSON object on standard output (errors too, as {"error": {...}})')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Do not print notes and warnings on standard error (they stay in --json output)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Do not print notes and warnings on standard error (they stay in --json output)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'spnkt;keytab;merge' {
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print the result as one JSON object on standard output (errors too, as {"error": {...}})')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Do not print notes and warnings on standard error (they stay in --json output)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Do not print notes and warnings on standard error (they stay in --json output)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'spnkt;keytab;remove' {
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Remove this principal''s entries (exact match: keytab names are case-sensitive)')
            [CompletionResult]::new('--principal', '--principal', [CompletionResultType]::ParameterName, 'Remove this principal''s entries (exact match: keytab names are case-sensitive)')
            [CompletionResult]::new('--kvno', '--kvno', [CompletionResultType]::ParameterName, 'Only entries with this key version number')
            [CompletionResult]::new('--enctype', '--enctype', [CompletionResultType]::ParameterName, 'Only entries of this encryption type (name or number)')
            [CompletionResult]::new('--old-kvnos', '--old-kvnos', [CompletionResultType]::ParameterName, 'Remove every entry whose kvno is lower than the highest kvno of its principal')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print the result as one JSON object on standard output (errors too, as {"error": {...}})')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Do not print notes and warnings on standard error (they stay in --json output)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Do not print notes and warnings on standard error (they stay in --json output)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'spnkt;verify' {
            [CompletionResult]::new('-k', '-k', [CompletionResultType]::ParameterName, 'Keytab with the service''s keys [default: $KRB5_KTNAME]')
            [CompletionResult]::new('--keytab', '--keytab', [CompletionResultType]::ParameterName, 'Keytab with the service''s keys [default: $KRB5_KTNAME]')
            [CompletionResult]::new('-t', '-t', [CompletionResultType]::ParameterName, 'The captured ticket: a file (Negotiate header, token, AP-REQ, ticket, .kirbi, ccache) or - for standard input')
            [CompletionResult]::new('--ticket', '--ticket', [CompletionResultType]::ParameterName, 'The captured ticket: a file (Negotiate header, token, AP-REQ, ticket, .kirbi, ccache) or - for standard input')
            [CompletionResult]::new('-s', '-s', [CompletionResultType]::ParameterName, 'Only the tickets for this service principal (the realm may be left out)')
            [CompletionResult]::new('--service', '--service', [CompletionResultType]::ParameterName, 'Only the tickets for this service principal (the realm may be left out)')
            [CompletionResult]::new('--spn', '--spn', [CompletionResultType]::ParameterName, 'With --live: the service principal to ask for [default: every principal in the keytab]')
            [CompletionResult]::new('--bind-user', '--bind-user', [CompletionResultType]::ParameterName, 'Account to bind as: user@REALM, DOMAIN\user or a DN')
            [CompletionResult]::new('--bind-password-file', '--bind-password-file', [CompletionResultType]::ParameterName, 'Read the bind password from FILE (all of it, minus one trailing newline)')
            [CompletionResult]::new('--bind-password-env', '--bind-password-env', [CompletionResultType]::ParameterName, 'Read the bind password from environment variable VAR')
            [CompletionResult]::new('--realm', '--realm', [CompletionResultType]::ParameterName, 'Kerberos realm (the AD domain in upper case) [default: default_realm from krb5.conf]')
            [CompletionResult]::new('--kdc', '--kdc', [CompletionResultType]::ParameterName, 'KDC to ask for tickets, host[:port] [default: the domain controller''s own (the LDAP host, port 88), so one DC answers the whole run; for verify --live: the realm''s kdc in krb5.conf, else DNS SRV _kerberos._tcp.REALM]')
            [CompletionResult]::new('--live', '--live', [CompletionResultType]::ParameterName, 'Ask the KDC for a service ticket now (like `kvno -k`) and check it, instead of a captured --ticket')
            [CompletionResult]::new('--bind-password-stdin', '--bind-password-stdin', [CompletionResultType]::ParameterName, 'Read the bind password from the first line of standard input')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print the result as one JSON object on standard output (errors too, as {"error": {...}})')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Do not print notes and warnings on standard error (they stay in --json output)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Do not print notes and warnings on standard error (they stay in --json output)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'spnkt;create' {
            [CompletionResult]::new('--host', '--host', [CompletionResultType]::ParameterName, 'The web site''s host name as users type it (a lower-case FQDN); the SPN is HTTP/HOST')
            [CompletionResult]::new('-k', '-k', [CompletionResultType]::ParameterName, 'Keytab file to write')
            [CompletionResult]::new('--keytab', '--keytab', [CompletionResultType]::ParameterName, 'Keytab file to write')
            [CompletionResult]::new('--account', '--account', [CompletionResultType]::ParameterName, 'Account name (sAMAccountName, at most 20 characters) [default: svc-http-<first label of HOST>]')
            [CompletionResult]::new('--ou', '--ou', [CompletionResultType]::ParameterName, 'Container for the new account [default: CN=Users,<base DN>]')
            [CompletionResult]::new('--delegation', '--delegation', [CompletionResultType]::ParameterName, 'Kerberos delegation; required without a terminal, so nobody gets or loses delegation by accident')
            [CompletionResult]::new('--delegate-to', '--delegate-to', [CompletionResultType]::ParameterName, 'With --delegation constrained: an SPN the service may delegate to (repeatable)')
            [CompletionResult]::new('--enctypes', '--enctypes', [CompletionResultType]::ParameterName, 'Encryption types, comma-separated: aes256, aes128, rc4 (rc4 only for old clients)')
            [CompletionResult]::new('--password-file', '--password-file', [CompletionResultType]::ParameterName, 'Read the password from FILE (all of it, minus one trailing newline)')
            [CompletionResult]::new('--password-env', '--password-env', [CompletionResultType]::ParameterName, 'Read the password from environment variable VAR')
            [CompletionResult]::new('--replication-timeout', '--replication-timeout', [CompletionResultType]::ParameterName, 'How long to wait for replication (to --kdc on another DC, or with --wait-replication) [default: 120]')
            [CompletionResult]::new('--dc', '--dc', [CompletionResultType]::ParameterName, 'With --wait-replication: wait only for this domain controller (host name; repeatable)')
            [CompletionResult]::new('--ldap-url', '--ldap-url', [CompletionResultType]::ParameterName, 'Domain controller: ldaps://dc1.example.com or ldap://dc1.example.com with --starttls [default: ldaps://<target of DNS SRV _ldap._tcp.dc._msdcs.REALM>:636, else ldaps://<the realm''s KDC>]')
            [CompletionResult]::new('--ca-cert', '--ca-cert', [CompletionResultType]::ParameterName, 'PEM file with the CA of the domain controller''s certificate (added to the system''s CAs)')
            [CompletionResult]::new('--bind-user', '--bind-user', [CompletionResultType]::ParameterName, 'Account to bind as: user@REALM, DOMAIN\user or a DN')
            [CompletionResult]::new('--bind-password-file', '--bind-password-file', [CompletionResultType]::ParameterName, 'Read the bind password from FILE (all of it, minus one trailing newline)')
            [CompletionResult]::new('--bind-password-env', '--bind-password-env', [CompletionResultType]::ParameterName, 'Read the bind password from environment variable VAR')
            [CompletionResult]::new('--bind-keytab', '--bind-keytab', [CompletionResultType]::ParameterName, 'Bind with Kerberos as --bind-user, logging in with its keys from FILE (a deploy account''s keytab) into memory: no password anywhere')
            [CompletionResult]::new('--realm', '--realm', [CompletionResultType]::ParameterName, 'Kerberos realm (the AD domain in upper case) [default: default_realm from krb5.conf]')
            [CompletionResult]::new('--kdc', '--kdc', [CompletionResultType]::ParameterName, 'KDC to ask for tickets, host[:port] [default: the domain controller''s own (the LDAP host, port 88), so one DC answers the whole run; for verify --live: the realm''s kdc in krb5.conf, else DNS SRV _kerberos._tcp.REALM]')
            [CompletionResult]::new('--base-dn', '--base-dn', [CompletionResultType]::ParameterName, 'Search base [default: the rootDSE''s defaultNamingContext]')
            [CompletionResult]::new('--site', '--site', [CompletionResultType]::ParameterName, 'AD site whose domain controllers DNS is asked for first (SRV _ldap._tcp.SITE._sites.dc._msdcs.REALM), when --ldap-url is not given')
            [CompletionResult]::new('--protocol-transition', '--protocol-transition', [CompletionResultType]::ParameterName, 'With --delegation constrained: allow protocol transition (TRUSTED_TO_AUTH_FOR_DELEGATION, "use any authentication protocol")')
            [CompletionResult]::new('--no-upn', '--no-upn', [CompletionResultType]::ParameterName, 'Do not set userPrincipalName=HTTP/HOST@REALM (the keytab then also holds ACCOUNT@REALM)')
            [CompletionResult]::new('--password-stdin', '--password-stdin', [CompletionResultType]::ParameterName, 'Read the password from the first line of standard input')
            [CompletionResult]::new('--rotate', '--rotate', [CompletionResultType]::ParameterName, 'If the account exists (without HTTP/HOST), take it over: converge its attributes and reset its password')
            [CompletionResult]::new('--no-dns-check', '--no-dns-check', [CompletionResultType]::ParameterName, 'Do not check HOST in DNS (by default spnkt resolves it and warns when it is an alias (CNAME), whose canonical name browsers ask a ticket for, has no record, or has a domain controller''s address)')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Print the plan (every LDAP change and file write) and change nothing')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Do not ask for confirmation (required without a terminal)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Do not ask for confirmation (required without a terminal)')
            [CompletionResult]::new('--append', '--append', [CompletionResultType]::ParameterName, 'Keep other principals'' entries of an existing keytab (this principal''s are replaced)')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Overwrite an existing keytab')
            [CompletionResult]::new('--wait-replication', '--wait-replication', [CompletionResultType]::ParameterName, 'After the proof on the domain controller written to, wait until every domain controller of the domain accepts the new keys (the list comes from the directory)')
            [CompletionResult]::new('--starttls', '--starttls', [CompletionResultType]::ParameterName, 'Upgrade an ldap:// connection with StartTLS (plain LDAP is refused)')
            [CompletionResult]::new('--insecure-skip-verify', '--insecure-skip-verify', [CompletionResultType]::ParameterName, 'Do not verify the domain controller''s certificate (INSECURE: anyone on the path can read the bind password)')
            [CompletionResult]::new('--bind-password-stdin', '--bind-password-stdin', [CompletionResultType]::ParameterName, 'Read the bind password from the first line of standard input')
            [CompletionResult]::new('--bind-kerberos', '--bind-kerberos', [CompletionResultType]::ParameterName, 'Bind with Kerberos using the ticket-granting ticket in your credential cache (KRB5CCNAME; kinit first): no password. ldaps:// with TLS channel binding, or ldap:// sealed by Kerberos')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print the result as one JSON object on standard output (errors too, as {"error": {...}})')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Do not print notes and warnings on standard error (they stay in --json output)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Do not print notes and warnings on standard error (they stay in --json output)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'spnkt;rotate' {
            [CompletionResult]::new('--host', '--host', [CompletionResultType]::ParameterName, 'The web site''s host name; the account is the one holding HTTP/HOST')
            [CompletionResult]::new('-k', '-k', [CompletionResultType]::ParameterName, 'Keytab to rewrite (created if missing)')
            [CompletionResult]::new('--keytab', '--keytab', [CompletionResultType]::ParameterName, 'Keytab to rewrite (created if missing)')
            [CompletionResult]::new('--keep-old', '--keep-old', [CompletionResultType]::ParameterName, 'How many previous kvnos of the principal to keep in the keytab')
            [CompletionResult]::new('--replication-timeout', '--replication-timeout', [CompletionResultType]::ParameterName, 'How long to wait for replication (to --kdc on another DC, or with --wait-replication) [default: 120]')
            [CompletionResult]::new('--dc', '--dc', [CompletionResultType]::ParameterName, 'With --wait-replication: wait only for this domain controller (host name; repeatable)')
            [CompletionResult]::new('--ldap-url', '--ldap-url', [CompletionResultType]::ParameterName, 'Domain controller: ldaps://dc1.example.com or ldap://dc1.example.com with --starttls [default: ldaps://<target of DNS SRV _ldap._tcp.dc._msdcs.REALM>:636, else ldaps://<the realm''s KDC>]')
            [CompletionResult]::new('--ca-cert', '--ca-cert', [CompletionResultType]::ParameterName, 'PEM file with the CA of the domain controller''s certificate (added to the system''s CAs)')
            [CompletionResult]::new('--bind-user', '--bind-user', [CompletionResultType]::ParameterName, 'Account to bind as: user@REALM, DOMAIN\user or a DN')
            [CompletionResult]::new('--bind-password-file', '--bind-password-file', [CompletionResultType]::ParameterName, 'Read the bind password from FILE (all of it, minus one trailing newline)')
            [CompletionResult]::new('--bind-password-env', '--bind-password-env', [CompletionResultType]::ParameterName, 'Read the bind password from environment variable VAR')
            [CompletionResult]::new('--bind-keytab', '--bind-keytab', [CompletionResultType]::ParameterName, 'Bind with Kerberos as --bind-user, logging in with its keys from FILE (a deploy account''s keytab) into memory: no password anywhere')
            [CompletionResult]::new('--realm', '--realm', [CompletionResultType]::ParameterName, 'Kerberos realm (the AD domain in upper case) [default: default_realm from krb5.conf]')
            [CompletionResult]::new('--kdc', '--kdc', [CompletionResultType]::ParameterName, 'KDC to ask for tickets, host[:port] [default: the domain controller''s own (the LDAP host, port 88), so one DC answers the whole run; for verify --live: the realm''s kdc in krb5.conf, else DNS SRV _kerberos._tcp.REALM]')
            [CompletionResult]::new('--base-dn', '--base-dn', [CompletionResultType]::ParameterName, 'Search base [default: the rootDSE''s defaultNamingContext]')
            [CompletionResult]::new('--site', '--site', [CompletionResultType]::ParameterName, 'AD site whose domain controllers DNS is asked for first (SRV _ldap._tcp.SITE._sites.dc._msdcs.REALM), when --ldap-url is not given')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Print the plan and change nothing')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Do not ask for confirmation (required without a terminal)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Do not ask for confirmation (required without a terminal)')
            [CompletionResult]::new('--wait-replication', '--wait-replication', [CompletionResultType]::ParameterName, 'After the proof on the domain controller written to, wait until every domain controller of the domain accepts the new keys (the list comes from the directory)')
            [CompletionResult]::new('--starttls', '--starttls', [CompletionResultType]::ParameterName, 'Upgrade an ldap:// connection with StartTLS (plain LDAP is refused)')
            [CompletionResult]::new('--insecure-skip-verify', '--insecure-skip-verify', [CompletionResultType]::ParameterName, 'Do not verify the domain controller''s certificate (INSECURE: anyone on the path can read the bind password)')
            [CompletionResult]::new('--bind-password-stdin', '--bind-password-stdin', [CompletionResultType]::ParameterName, 'Read the bind password from the first line of standard input')
            [CompletionResult]::new('--bind-kerberos', '--bind-kerberos', [CompletionResultType]::ParameterName, 'Bind with Kerberos using the ticket-granting ticket in your credential cache (KRB5CCNAME; kinit first): no password. ldaps:// with TLS channel binding, or ldap:// sealed by Kerberos')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print the result as one JSON object on standard output (errors too, as {"error": {...}})')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Do not print notes and warnings on standard error (they stay in --json output)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Do not print notes and warnings on standard error (they stay in --json output)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'spnkt;delete' {
            [CompletionResult]::new('--host', '--host', [CompletionResultType]::ParameterName, 'The web site''s host name; the account is the one holding HTTP/HOST')
            [CompletionResult]::new('--ldap-url', '--ldap-url', [CompletionResultType]::ParameterName, 'Domain controller: ldaps://dc1.example.com or ldap://dc1.example.com with --starttls [default: ldaps://<target of DNS SRV _ldap._tcp.dc._msdcs.REALM>:636, else ldaps://<the realm''s KDC>]')
            [CompletionResult]::new('--ca-cert', '--ca-cert', [CompletionResultType]::ParameterName, 'PEM file with the CA of the domain controller''s certificate (added to the system''s CAs)')
            [CompletionResult]::new('--bind-user', '--bind-user', [CompletionResultType]::ParameterName, 'Account to bind as: user@REALM, DOMAIN\user or a DN')
            [CompletionResult]::new('--bind-password-file', '--bind-password-file', [CompletionResultType]::ParameterName, 'Read the bind password from FILE (all of it, minus one trailing newline)')
            [CompletionResult]::new('--bind-password-env', '--bind-password-env', [CompletionResultType]::ParameterName, 'Read the bind password from environment variable VAR')
            [CompletionResult]::new('--bind-keytab', '--bind-keytab', [CompletionResultType]::ParameterName, 'Bind with Kerberos as --bind-user, logging in with its keys from FILE (a deploy account''s keytab) into memory: no password anywhere')
            [CompletionResult]::new('--realm', '--realm', [CompletionResultType]::ParameterName, 'Kerberos realm (the AD domain in upper case) [default: default_realm from krb5.conf]')
            [CompletionResult]::new('--kdc', '--kdc', [CompletionResultType]::ParameterName, 'KDC to ask for tickets, host[:port] [default: the domain controller''s own (the LDAP host, port 88), so one DC answers the whole run; for verify --live: the realm''s kdc in krb5.conf, else DNS SRV _kerberos._tcp.REALM]')
            [CompletionResult]::new('--base-dn', '--base-dn', [CompletionResultType]::ParameterName, 'Search base [default: the rootDSE''s defaultNamingContext]')
            [CompletionResult]::new('--site', '--site', [CompletionResultType]::ParameterName, 'AD site whose domain controllers DNS is asked for first (SRV _ldap._tcp.SITE._sites.dc._msdcs.REALM), when --ldap-url is not given')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Do not ask for confirmation (required without a terminal)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Do not ask for confirmation (required without a terminal)')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Also delete an account spnkt did not create (never a computer account)')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Print the plan and change nothing')
            [CompletionResult]::new('--starttls', '--starttls', [CompletionResultType]::ParameterName, 'Upgrade an ldap:// connection with StartTLS (plain LDAP is refused)')
            [CompletionResult]::new('--insecure-skip-verify', '--insecure-skip-verify', [CompletionResultType]::ParameterName, 'Do not verify the domain controller''s certificate (INSECURE: anyone on the path can read the bind password)')
            [CompletionResult]::new('--bind-password-stdin', '--bind-password-stdin', [CompletionResultType]::ParameterName, 'Read the bind password from the first line of standard input')
            [CompletionResult]::new('--bind-kerberos', '--bind-kerberos', [CompletionResultType]::ParameterName, 'Bind with Kerberos using the ticket-granting ticket in your credential cache (KRB5CCNAME; kinit first): no password. ldaps:// with TLS channel binding, or ldap:// sealed by Kerberos')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print the result as one JSON object on standard output (errors too, as {"error": {...}})')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Do not print notes and warnings on standard error (they stay in --json output)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Do not print notes and warnings on standard error (they stay in --json output)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'spnkt;apply' {
            [CompletionResult]::new('--rotate', '--rotate', [CompletionResultType]::ParameterName, 'Rotate this host''s password and keytab even if not due (repeatable)')
            [CompletionResult]::new('--replication-timeout', '--replication-timeout', [CompletionResultType]::ParameterName, 'How long to wait for replication (to --kdc on another DC, or with --wait-replication) [default: 120]')
            [CompletionResult]::new('--dc', '--dc', [CompletionResultType]::ParameterName, 'With --wait-replication: wait only for this domain controller (host name; repeatable)')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Print what would change and change nothing (exit status 10 if something would)')
            [CompletionResult]::new('--prune', '--prune', [CompletionResultType]::ParameterName, 'Also remove accounts this plan created that it no longer lists (needs --yes)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Confirm --prune (apply itself never asks: the plan is the confirmation)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Confirm --prune (apply itself never asks: the plan is the confirmation)')
            [CompletionResult]::new('--no-dns-check', '--no-dns-check', [CompletionResultType]::ParameterName, 'Do not check the services'' hosts in DNS (a service can also say dns_check = false)')
            [CompletionResult]::new('--wait-replication', '--wait-replication', [CompletionResultType]::ParameterName, 'After the proof on the domain controller written to, wait until every domain controller of the domain accepts the new keys (the list comes from the directory)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print the result as one JSON object on standard output (errors too, as {"error": {...}})')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Do not print notes and warnings on standard error (they stay in --json output)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Do not print notes and warnings on standard error (they stay in --json output)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'spnkt;spn' {
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print the result as one JSON object on standard output (errors too, as {"error": {...}})')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Do not print notes and warnings on standard error (they stay in --json output)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Do not print notes and warnings on standard error (they stay in --json output)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List SPNs: of an account, for a host, or every HTTP/ SPN (setspn -L / -Q)')
            [CompletionResult]::new('add', 'add', [CompletionResultType]::ParameterValue, 'Add an SPN to an account (refused if any object holds it already)')
            [CompletionResult]::new('remove', 'remove', [CompletionResultType]::ParameterValue, 'Remove an SPN from an account')
            [CompletionResult]::new('check', 'check', [CompletionResultType]::ParameterValue, 'Report duplicate SPNs and HOST/ clashes (setspn -X); exit status 4 when any are found')
            break
        }
        'spnkt;spn;list' {
            [CompletionResult]::new('--account', '--account', [CompletionResultType]::ParameterName, 'The SPNs of this account (sAMAccountName)')
            [CompletionResult]::new('--host', '--host', [CompletionResultType]::ParameterName, 'Every SPN for this host name, whichever account holds it')
            [CompletionResult]::new('--ldap-url', '--ldap-url', [CompletionResultType]::ParameterName, 'Domain controller: ldaps://dc1.example.com or ldap://dc1.example.com with --starttls [default: ldaps://<target of DNS SRV _ldap._tcp.dc._msdcs.REALM>:636, else ldaps://<the realm''s KDC>]')
            [CompletionResult]::new('--ca-cert', '--ca-cert', [CompletionResultType]::ParameterName, 'PEM file with the CA of the domain controller''s certificate (added to the system''s CAs)')
            [CompletionResult]::new('--bind-user', '--bind-user', [CompletionResultType]::ParameterName, 'Account to bind as: user@REALM, DOMAIN\user or a DN')
            [CompletionResult]::new('--bind-password-file', '--bind-password-file', [CompletionResultType]::ParameterName, 'Read the bind password from FILE (all of it, minus one trailing newline)')
            [CompletionResult]::new('--bind-password-env', '--bind-password-env', [CompletionResultType]::ParameterName, 'Read the bind password from environment variable VAR')
            [CompletionResult]::new('--bind-keytab', '--bind-keytab', [CompletionResultType]::ParameterName, 'Bind with Kerberos as --bind-user, logging in with its keys from FILE (a deploy account''s keytab) into memory: no password anywhere')
            [CompletionResult]::new('--realm', '--realm', [CompletionResultType]::ParameterName, 'Kerberos realm (the AD domain in upper case) [default: default_realm from krb5.conf]')
            [CompletionResult]::new('--kdc', '--kdc', [CompletionResultType]::ParameterName, 'KDC to ask for tickets, host[:port] [default: the domain controller''s own (the LDAP host, port 88), so one DC answers the whole run; for verify --live: the realm''s kdc in krb5.conf, else DNS SRV _kerberos._tcp.REALM]')
            [CompletionResult]::new('--base-dn', '--base-dn', [CompletionResultType]::ParameterName, 'Search base [default: the rootDSE''s defaultNamingContext]')
            [CompletionResult]::new('--site', '--site', [CompletionResultType]::ParameterName, 'AD site whose domain controllers DNS is asked for first (SRV _ldap._tcp.SITE._sites.dc._msdcs.REALM), when --ldap-url is not given')
            [CompletionResult]::new('--starttls', '--starttls', [CompletionResultType]::ParameterName, 'Upgrade an ldap:// connection with StartTLS (plain LDAP is refused)')
            [CompletionResult]::new('--insecure-skip-verify', '--insecure-skip-verify', [CompletionResultType]::ParameterName, 'Do not verify the domain controller''s certificate (INSECURE: anyone on the path can read the bind password)')
            [CompletionResult]::new('--bind-password-stdin', '--bind-password-stdin', [CompletionResultType]::ParameterName, 'Read the bind password from the first line of standard input')
            [CompletionResult]::new('--bind-kerberos', '--bind-kerberos', [CompletionResultType]::ParameterName, 'Bind with Kerberos using the ticket-granting ticket in your credential cache (KRB5CCNAME; kinit first): no password. ldaps:// with TLS channel binding, or ldap:// sealed by Kerberos')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print the result as one JSON object on standard output (errors too, as {"error": {...}})')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Do not print notes and warnings on standard error (they stay in --json output)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Do not print notes and warnings on standard error (they stay in --json output)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'spnkt;spn;add' {
            [CompletionResult]::new('--account', '--account', [CompletionResultType]::ParameterName, 'The account (sAMAccountName)')
            [CompletionResult]::new('--ldap-url', '--ldap-url', [CompletionResultType]::ParameterName, 'Domain controller: ldaps://dc1.example.com or ldap://dc1.example.com with --starttls [default: ldaps://<target of DNS SRV _ldap._tcp.dc._msdcs.REALM>:636, else ldaps://<the realm''s KDC>]')
            [CompletionResult]::new('--ca-cert', '--ca-cert', [CompletionResultType]::ParameterName, 'PEM file with the CA of the domain controller''s certificate (added to the system''s CAs)')
            [CompletionResult]::new('--bind-user', '--bind-user', [CompletionResultType]::ParameterName, 'Account to bind as: user@REALM, DOMAIN\user or a DN')
            [CompletionResult]::new('--bind-password-file', '--bind-password-file', [CompletionResultType]::ParameterName, 'Read the bind password from FILE (all of it, minus one trailing newline)')
            [CompletionResult]::new('--bind-password-env', '--bind-password-env', [CompletionResultType]::ParameterName, 'Read the bind password from environment variable VAR')
            [CompletionResult]::new('--bind-keytab', '--bind-keytab', [CompletionResultType]::ParameterName, 'Bind with Kerberos as --bind-user, logging in with its keys from FILE (a deploy account''s keytab) into memory: no password anywhere')
            [CompletionResult]::new('--realm', '--realm', [CompletionResultType]::ParameterName, 'Kerberos realm (the AD domain in upper case) [default: default_realm from krb5.conf]')
            [CompletionResult]::new('--kdc', '--kdc', [CompletionResultType]::ParameterName, 'KDC to ask for tickets, host[:port] [default: the domain controller''s own (the LDAP host, port 88), so one DC answers the whole run; for verify --live: the realm''s kdc in krb5.conf, else DNS SRV _kerberos._tcp.REALM]')
            [CompletionResult]::new('--base-dn', '--base-dn', [CompletionResultType]::ParameterName, 'Search base [default: the rootDSE''s defaultNamingContext]')
            [CompletionResult]::new('--site', '--site', [CompletionResultType]::ParameterName, 'AD site whose domain controllers DNS is asked for first (SRV _ldap._tcp.SITE._sites.dc._msdcs.REALM), when --ldap-url is not given')
            [CompletionResult]::new('--starttls', '--starttls', [CompletionResultType]::ParameterName, 'Upgrade an ldap:// connection with StartTLS (plain LDAP is refused)')
            [CompletionResult]::new('--insecure-skip-verify', '--insecure-skip-verify', [CompletionResultType]::ParameterName, 'Do not verify the domain controller''s certificate (INSECURE: anyone on the path can read the bind password)')
            [CompletionResult]::new('--bind-password-stdin', '--bind-password-stdin', [CompletionResultType]::ParameterName, 'Read the bind password from the first line of standard input')
            [CompletionResult]::new('--bind-kerberos', '--bind-kerberos', [CompletionResultType]::ParameterName, 'Bind with Kerberos using the ticket-granting ticket in your credential cache (KRB5CCNAME; kinit first): no password. ldaps:// with TLS channel binding, or ldap:// sealed by Kerberos')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print the result as one JSON object on standard output (errors too, as {"error": {...}})')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Do not print notes and warnings on standard error (they stay in --json output)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Do not print notes and warnings on standard error (they stay in --json output)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'spnkt;spn;remove' {
            [CompletionResult]::new('--account', '--account', [CompletionResultType]::ParameterName, 'The account (sAMAccountName)')
            [CompletionResult]::new('--ldap-url', '--ldap-url', [CompletionResultType]::ParameterName, 'Domain controller: ldaps://dc1.example.com or ldap://dc1.example.com with --starttls [default: ldaps://<target of DNS SRV _ldap._tcp.dc._msdcs.REALM>:636, else ldaps://<the realm''s KDC>]')
            [CompletionResult]::new('--ca-cert', '--ca-cert', [CompletionResultType]::ParameterName, 'PEM file with the CA of the domain controller''s certificate (added to the system''s CAs)')
            [CompletionResult]::new('--bind-user', '--bind-user', [CompletionResultType]::ParameterName, 'Account to bind as: user@REALM, DOMAIN\user or a DN')
            [CompletionResult]::new('--bind-password-file', '--bind-password-file', [CompletionResultType]::ParameterName, 'Read the bind password from FILE (all of it, minus one trailing newline)')
            [CompletionResult]::new('--bind-password-env', '--bind-password-env', [CompletionResultType]::ParameterName, 'Read the bind password from environment variable VAR')
            [CompletionResult]::new('--bind-keytab', '--bind-keytab', [CompletionResultType]::ParameterName, 'Bind with Kerberos as --bind-user, logging in with its keys from FILE (a deploy account''s keytab) into memory: no password anywhere')
            [CompletionResult]::new('--realm', '--realm', [CompletionResultType]::ParameterName, 'Kerberos realm (the AD domain in upper case) [default: default_realm from krb5.conf]')
            [CompletionResult]::new('--kdc', '--kdc', [CompletionResultType]::ParameterName, 'KDC to ask for tickets, host[:port] [default: the domain controller''s own (the LDAP host, port 88), so one DC answers the whole run; for verify --live: the realm''s kdc in krb5.conf, else DNS SRV _kerberos._tcp.REALM]')
            [CompletionResult]::new('--base-dn', '--base-dn', [CompletionResultType]::ParameterName, 'Search base [default: the rootDSE''s defaultNamingContext]')
            [CompletionResult]::new('--site', '--site', [CompletionResultType]::ParameterName, 'AD site whose domain controllers DNS is asked for first (SRV _ldap._tcp.SITE._sites.dc._msdcs.REALM), when --ldap-url is not given')
            [CompletionResult]::new('--starttls', '--starttls', [CompletionResultType]::ParameterName, 'Upgrade an ldap:// connection with StartTLS (plain LDAP is refused)')
            [CompletionResult]::new('--insecure-skip-verify', '--insecure-skip-verify', [CompletionResultType]::ParameterName, 'Do not verify the domain controller''s certificate (INSECURE: anyone on the path can read the bind password)')
            [CompletionResult]::new('--bind-password-stdin', '--bind-password-stdin', [CompletionResultType]::ParameterName, 'Read the bind password from the first line of standard input')
            [CompletionResult]::new('--bind-kerberos', '--bind-kerberos', [CompletionResultType]::ParameterName, 'Bind with Kerberos using the ticket-granting ticket in your credential cache (KRB5CCNAME; kinit first): no password. ldaps:// with TLS channel binding, or ldap:// sealed by Kerberos')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print the result as one JSON object on standard output (errors too, as {"error": {...}})')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Do not print notes and warnings on standard error (they stay in --json output)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Do not print notes and warnings on standard error (they stay in --json output)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'spnkt;spn;check' {
            [CompletionResult]::new('--host', '--host', [CompletionResultType]::ParameterName, 'Only SPNs for this host name')
            [CompletionResult]::new('--ldap-url', '--ldap-url', [CompletionResultType]::ParameterName, 'Domain controller: ldaps://dc1.example.com or ldap://dc1.example.com with --starttls [default: ldaps://<target of DNS SRV _ldap._tcp.dc._msdcs.REALM>:636, else ldaps://<the realm''s KDC>]')
            [CompletionResult]::new('--ca-cert', '--ca-cert', [CompletionResultType]::ParameterName, 'PEM file with the CA of the domain controller''s certificate (added to the system''s CAs)')
            [CompletionResult]::new('--bind-user', '--bind-user', [CompletionResultType]::ParameterName, 'Account to bind as: user@REALM, DOMAIN\user or a DN')
            [CompletionResult]::new('--bind-password-file', '--bind-password-file', [CompletionResultType]::ParameterName, 'Read the bind password from FILE (all of it, minus one trailing newline)')
            [CompletionResult]::new('--bind-password-env', '--bind-password-env', [CompletionResultType]::ParameterName, 'Read the bind password from environment variable VAR')
            [CompletionResult]::new('--bind-keytab', '--bind-keytab', [CompletionResultType]::ParameterName, 'Bind with Kerberos as --bind-user, logging in with its keys from FILE (a deploy account''s keytab) into memory: no password anywhere')
            [CompletionResult]::new('--realm', '--realm', [CompletionResultType]::ParameterName, 'Kerberos realm (the AD domain in upper case) [default: default_realm from krb5.conf]')
            [CompletionResult]::new('--kdc', '--kdc', [CompletionResultType]::ParameterName, 'KDC to ask for tickets, host[:port] [default: the domain controller''s own (the LDAP host, port 88), so one DC answers the whole run; for verify --live: the realm''s kdc in krb5.conf, else DNS SRV _kerberos._tcp.REALM]')
            [CompletionResult]::new('--base-dn', '--base-dn', [CompletionResultType]::ParameterName, 'Search base [default: the rootDSE''s defaultNamingContext]')
            [CompletionResult]::new('--site', '--site', [CompletionResultType]::ParameterName, 'AD site whose domain controllers DNS is asked for first (SRV _ldap._tcp.SITE._sites.dc._msdcs.REALM), when --ldap-url is not given')
            [CompletionResult]::new('--no-dns-check', '--no-dns-check', [CompletionResultType]::ParameterName, 'With --host: do not check the host in DNS (by default spnkt resolves it and reports what browsers will ask a ticket for)')
            [CompletionResult]::new('--starttls', '--starttls', [CompletionResultType]::ParameterName, 'Upgrade an ldap:// connection with StartTLS (plain LDAP is refused)')
            [CompletionResult]::new('--insecure-skip-verify', '--insecure-skip-verify', [CompletionResultType]::ParameterName, 'Do not verify the domain controller''s certificate (INSECURE: anyone on the path can read the bind password)')
            [CompletionResult]::new('--bind-password-stdin', '--bind-password-stdin', [CompletionResultType]::ParameterName, 'Read the bind password from the first line of standard input')
            [CompletionResult]::new('--bind-kerberos', '--bind-kerberos', [CompletionResultType]::ParameterName, 'Bind with Kerberos using the ticket-granting ticket in your credential cache (KRB5CCNAME; kinit first): no password. ldaps:// with TLS channel binding, or ldap:// sealed by Kerberos')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print the result as one JSON object on standard output (errors too, as {"error": {...}})')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Do not print notes and warnings on standard error (they stay in --json output)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Do not print notes and warnings on standard error (they stay in --json output)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'spnkt;account' {
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print the result as one JSON object on standard output (errors too, as {"error": {...}})')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Do not print notes and warnings on standard error (they stay in --json output)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Do not print notes and warnings on standard error (they stay in --json output)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'The account holding HTTP/HOST: SPNs, UPN, flags, enctypes, kvno, password age, delegation')
            break
        }
        'spnkt;account;show' {
            [CompletionResult]::new('--host', '--host', [CompletionResultType]::ParameterName, 'The web site''s host name; the account is the one holding HTTP/HOST')
            [CompletionResult]::new('-k', '-k', [CompletionResultType]::ParameterName, 'Also check that this keytab holds the account''s current kvno and enctypes')
            [CompletionResult]::new('--keytab', '--keytab', [CompletionResultType]::ParameterName, 'Also check that this keytab holds the account''s current kvno and enctypes')
            [CompletionResult]::new('--ldap-url', '--ldap-url', [CompletionResultType]::ParameterName, 'Domain controller: ldaps://dc1.example.com or ldap://dc1.example.com with --starttls [default: ldaps://<target of DNS SRV _ldap._tcp.dc._msdcs.REALM>:636, else ldaps://<the realm''s KDC>]')
            [CompletionResult]::new('--ca-cert', '--ca-cert', [CompletionResultType]::ParameterName, 'PEM file with the CA of the domain controller''s certificate (added to the system''s CAs)')
            [CompletionResult]::new('--bind-user', '--bind-user', [CompletionResultType]::ParameterName, 'Account to bind as: user@REALM, DOMAIN\user or a DN')
            [CompletionResult]::new('--bind-password-file', '--bind-password-file', [CompletionResultType]::ParameterName, 'Read the bind password from FILE (all of it, minus one trailing newline)')
            [CompletionResult]::new('--bind-password-env', '--bind-password-env', [CompletionResultType]::ParameterName, 'Read the bind password from environment variable VAR')
            [CompletionResult]::new('--bind-keytab', '--bind-keytab', [CompletionResultType]::ParameterName, 'Bind with Kerberos as --bind-user, logging in with its keys from FILE (a deploy account''s keytab) into memory: no password anywhere')
            [CompletionResult]::new('--realm', '--realm', [CompletionResultType]::ParameterName, 'Kerberos realm (the AD domain in upper case) [default: default_realm from krb5.conf]')
            [CompletionResult]::new('--kdc', '--kdc', [CompletionResultType]::ParameterName, 'KDC to ask for tickets, host[:port] [default: the domain controller''s own (the LDAP host, port 88), so one DC answers the whole run; for verify --live: the realm''s kdc in krb5.conf, else DNS SRV _kerberos._tcp.REALM]')
            [CompletionResult]::new('--base-dn', '--base-dn', [CompletionResultType]::ParameterName, 'Search base [default: the rootDSE''s defaultNamingContext]')
            [CompletionResult]::new('--site', '--site', [CompletionResultType]::ParameterName, 'AD site whose domain controllers DNS is asked for first (SRV _ldap._tcp.SITE._sites.dc._msdcs.REALM), when --ldap-url is not given')
            [CompletionResult]::new('--starttls', '--starttls', [CompletionResultType]::ParameterName, 'Upgrade an ldap:// connection with StartTLS (plain LDAP is refused)')
            [CompletionResult]::new('--insecure-skip-verify', '--insecure-skip-verify', [CompletionResultType]::ParameterName, 'Do not verify the domain controller''s certificate (INSECURE: anyone on the path can read the bind password)')
            [CompletionResult]::new('--bind-password-stdin', '--bind-password-stdin', [CompletionResultType]::ParameterName, 'Read the bind password from the first line of standard input')
            [CompletionResult]::new('--bind-kerberos', '--bind-kerberos', [CompletionResultType]::ParameterName, 'Bind with Kerberos using the ticket-granting ticket in your credential cache (KRB5CCNAME; kinit first): no password. ldaps:// with TLS channel binding, or ldap:// sealed by Kerberos')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print the result as one JSON object on standard output (errors too, as {"error": {...}})')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Do not print notes and warnings on standard error (they stay in --json output)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Do not print notes and warnings on standard error (they stay in --json output)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'spnkt;wizard' {
            [CompletionResult]::new('--ldap-url', '--ldap-url', [CompletionResultType]::ParameterName, 'Domain controller: ldaps://dc1.example.com or ldap://dc1.example.com with --starttls [default: ldaps://<target of DNS SRV _ldap._tcp.dc._msdcs.REALM>:636, else ldaps://<the realm''s KDC>]')
            [CompletionResult]::new('--ca-cert', '--ca-cert', [CompletionResultType]::ParameterName, 'PEM file with the CA of the domain controller''s certificate (added to the system''s CAs)')
            [CompletionResult]::new('--bind-user', '--bind-user', [CompletionResultType]::ParameterName, 'Account to bind as: user@REALM, DOMAIN\user or a DN')
            [CompletionResult]::new('--bind-password-file', '--bind-password-file', [CompletionResultType]::ParameterName, 'Read the bind password from FILE (all of it, minus one trailing newline)')
            [CompletionResult]::new('--bind-password-env', '--bind-password-env', [CompletionResultType]::ParameterName, 'Read the bind password from environment variable VAR')
            [CompletionResult]::new('--bind-keytab', '--bind-keytab', [CompletionResultType]::ParameterName, 'Bind with Kerberos as --bind-user, logging in with its keys from FILE (a deploy account''s keytab) into memory: no password anywhere')
            [CompletionResult]::new('--realm', '--realm', [CompletionResultType]::ParameterName, 'Kerberos realm (the AD domain in upper case) [default: default_realm from krb5.conf]')
            [CompletionResult]::new('--kdc', '--kdc', [CompletionResultType]::ParameterName, 'KDC to ask for tickets, host[:port] [default: the domain controller''s own (the LDAP host, port 88), so one DC answers the whole run; for verify --live: the realm''s kdc in krb5.conf, else DNS SRV _kerberos._tcp.REALM]')
            [CompletionResult]::new('--base-dn', '--base-dn', [CompletionResultType]::ParameterName, 'Search base [default: the rootDSE''s defaultNamingContext]')
            [CompletionResult]::new('--site', '--site', [CompletionResultType]::ParameterName, 'AD site whose domain controllers DNS is asked for first (SRV _ldap._tcp.SITE._sites.dc._msdcs.REALM), when --ldap-url is not given')
            [CompletionResult]::new('--no-dns-check', '--no-dns-check', [CompletionResultType]::ParameterName, 'Do not check the web site''s host name in DNS (by default the wizard resolves it and offers the canonical name of an alias, which is what browsers ask a ticket for)')
            [CompletionResult]::new('--starttls', '--starttls', [CompletionResultType]::ParameterName, 'Upgrade an ldap:// connection with StartTLS (plain LDAP is refused)')
            [CompletionResult]::new('--insecure-skip-verify', '--insecure-skip-verify', [CompletionResultType]::ParameterName, 'Do not verify the domain controller''s certificate (INSECURE: anyone on the path can read the bind password)')
            [CompletionResult]::new('--bind-password-stdin', '--bind-password-stdin', [CompletionResultType]::ParameterName, 'Read the bind password from the first line of standard input')
            [CompletionResult]::new('--bind-kerberos', '--bind-kerberos', [CompletionResultType]::ParameterName, 'Bind with Kerberos using the ticket-granting ticket in your credential cache (KRB5CCNAME; kinit first): no password. ldaps:// with TLS channel binding, or ldap:// sealed by Kerberos')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print the result as one JSON object on standard output (errors too, as {"error": {...}})')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Do not print notes and warnings on standard error (they stay in --json output)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Do not print notes and warnings on standard error (they stay in --json output)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'spnkt;generate' {
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print the result as one JSON object on standard output (errors too, as {"error": {...}})')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Do not print notes and warnings on standard error (they stay in --json output)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Do not print notes and warnings on standard error (they stay in --json output)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('man', 'man', [CompletionResultType]::ParameterValue, 'Write man pages (spnkt.1, spnkt-keytab.1, ...) into DIR')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print a completion script for SHELL (or write it into --dir)')
            break
        }
        'spnkt;generate;man' {
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print the result as one JSON object on standard output (errors too, as {"error": {...}})')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Do not print notes and warnings on standard error (they stay in --json output)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Do not print notes and warnings on standard error (they stay in --json output)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'spnkt;generate;completions' {
            [CompletionResult]::new('--dir', '--dir', [CompletionResultType]::ParameterName, 'Write the script into DIR under its conventional name instead of printing it')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print the result as one JSON object on standard output (errors too, as {"error": {...}})')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Do not print notes and warnings on standard error (they stay in --json output)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Do not print notes and warnings on standard error (they stay in --json output)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
