
use builtin;
use str;

set edit:completion:arg-completer[spnkt] = {|@words|
    fn spaces {|n|
        builtin:repeat $n ' ' | str:join ''
    }
    fn cand {|text desc|
        edit:complex-candidate $text &display=$text' '(spaces (- 14 (wcswidth $text)))$desc
    }
    var command = 'spnkt'
    for word $words[1..-1] {
        if (str:has-prefix $word '-') {
            break
        }
        set command = $command';'$word
    }
    var completions = [
        &'spnkt'= {
            cand --json 'Print the result as one JSON object on standard output (errors too, as {"error": {...}})'
            cand -q 'Do not print notes and warnings on standard error (they stay in --json output)'
            cand --quiet 'Do not print notes and warnings on standard error (they stay in --json output)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand keytab 'Create, list, merge and edit keytab files (offline, no directory access)'
            cand verify 'Decrypt a captured service ticket with a keytab and say why it fails'
            cand generate 'Generate man pages or shell completions'
        }
        &'spnkt;keytab'= {
            cand --json 'Print the result as one JSON object on standard output (errors too, as {"error": {...}})'
            cand -q 'Do not print notes and warnings on standard error (they stay in --json output)'
            cand --quiet 'Do not print notes and warnings on standard error (they stay in --json output)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand create 'Derive keys from a password and write them to a keytab (ktpass without -mapuser)'
            cand list 'List a keytab''s entries (like `klist -kte`)'
            cand merge 'Merge keytabs into one (like ktutil rkt/wkt)'
            cand remove 'Remove entries from a keytab'
        }
        &'spnkt;keytab;create'= {
            cand -p 'Principal to write, with realm: HTTP/host.example.com@EXAMPLE.COM'
            cand --principal 'Principal to write, with realm: HTTP/host.example.com@EXAMPLE.COM'
            cand --salt 'AES salt [default: MIT''s, the realm followed by the name components]'
            cand --kvno 'Key version number: the account''s msDS-KeyVersionNumber [default: 1]'
            cand --enctypes 'Encryption types, comma-separated: aes256, aes128, rc4 (or MIT names)'
            cand --iterations 'PBKDF2 iterations for AES keys (AD always uses 4096)'
            cand --ptype 'Name type recorded in the keytab'
            cand --password-file 'Read the password from FILE (all of it, minus one trailing newline)'
            cand --password-env 'Read the password from environment variable VAR'
            cand -o 'Keytab file to write'
            cand --out 'Keytab file to write'
            cand --password-stdin 'Read the password from the first line of standard input'
            cand --append 'Add to an existing keytab, replacing entries with the same principal, kvno and enctype'
            cand --force 'Overwrite an existing keytab'
            cand --json 'Print the result as one JSON object on standard output (errors too, as {"error": {...}})'
            cand -q 'Do not print notes and warnings on standard error (they stay in --json output)'
            cand --quiet 'Do not print notes and warnings on standard error (they stay in --json output)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'spnkt;keytab;list'= {
            cand --keys 'Also print the key bytes in hex (secret!)'
            cand --json 'Print the result as one JSON object on standard output (errors too, as {"error": {...}})'
            cand -q 'Do not print notes and warnings on standard error (they stay in --json output)'
            cand --quiet 'Do not print notes and warnings on standard error (they stay in --json output)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'spnkt;keytab;merge'= {
            cand --json 'Print the result as one JSON object on standard output (errors too, as {"error": {...}})'
            cand -q 'Do not print notes and warnings on standard error (they stay in --json output)'
            cand --quiet 'Do not print notes and warnings on standard error (they stay in --json output)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'spnkt;keytab;remove'= {
            cand -p 'Remove this principal''s entries (exact match: keytab names are case-sensitive)'
            cand --principal 'Remove this principal''s entries (exact match: keytab names are case-sensitive)'
            cand --kvno 'Only entries with this key version number'
            cand --enctype 'Only entries of this encryption type (name or number)'
            cand --old-kvnos 'Remove every entry whose kvno is lower than the highest kvno of its principal'
            cand --json 'Print the result as one JSON object on standard output (errors too, as {"error": {...}})'
            cand -q 'Do not print notes and warnings on standard error (they stay in --json output)'
            cand --quiet 'Do not print notes and warnings on standard error (they stay in --json output)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'spnkt;verify'= {
            cand -k 'Keytab with the service''s keys [default: $KRB5_KTNAME]'
            cand --keytab 'Keytab with the service''s keys [default: $KRB5_KTNAME]'
            cand -t 'The captured ticket: a file (Negotiate header, token, AP-REQ, ticket, .kirbi, ccache) or - for standard input'
            cand --ticket 'The captured ticket: a file (Negotiate header, token, AP-REQ, ticket, .kirbi, ccache) or - for standard input'
            cand -s 'Only the tickets for this service principal (the realm may be left out)'
            cand --service 'Only the tickets for this service principal (the realm may be left out)'
            cand --json 'Print the result as one JSON object on standard output (errors too, as {"error": {...}})'
            cand -q 'Do not print notes and warnings on standard error (they stay in --json output)'
            cand --quiet 'Do not print notes and warnings on standard error (they stay in --json output)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'spnkt;generate'= {
            cand --json 'Print the result as one JSON object on standard output (errors too, as {"error": {...}})'
            cand -q 'Do not print notes and warnings on standard error (they stay in --json output)'
            cand --quiet 'Do not print notes and warnings on standard error (they stay in --json output)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand man 'Write man pages (spnkt.1, spnkt-keytab.1, ...) into DIR'
            cand completions 'Print a completion script for SHELL (or write it into --dir)'
        }
        &'spnkt;generate;man'= {
            cand --json 'Print the result as one JSON object on standard output (errors too, as {"error": {...}})'
            cand -q 'Do not print notes and warnings on standard error (they stay in --json output)'
            cand --quiet 'Do not print notes and warnings on standard error (they stay in --json output)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'spnkt;generate;completions'= {
            cand --dir 'Write the script into DIR under its conventional name instead of printing it'
            cand --json 'Print the result as one JSON object on standard output (errors too, as {"error": {...}})'
            cand -q 'Do not print notes and warnings on standard error (they stay in --json output)'
            cand --quiet 'Do not print notes and warnings on standard error (they stay in --json output)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
    ]
    $completions[$command]
}
