
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
