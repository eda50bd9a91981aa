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
complete -c spnkt -n "__fish_spnkt_needs_command" -f -a "generate" -d 'Generate man pages or shell completions'
complete -c spnkt -n "__fish_spnkt_using_subcommand keytab; and not __fish_seen_subcommand_from create list merge remove" -l json -d 'Print the result as one JSON object on standard output (errors too, as {"error": {...}})'
complete -c spnkt -n "__fish_spnkt_using_subcommand keytab; and not __fish_seen_subcommand_from create list merge remove" -s q -l quiet -d 'Do not print notes and warnings on standard error (they stay in --json output)'
complete -c spnkt -n "__fish_spnkt_using_subcommand keytab; and not __fish_seen_subcommand_from create list merge remove" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c spnkt -n "__fish_spnkt_using_subcommand keytab; and not __fish_seen_subcommand_from create list merge remove" -f -a "create" -d 'Derive keys from a password and write them to a keytab (ktpass without -mapuser)'
complete -c spnkt -n "__fish_spnkt_using_subcommand keytab; and not __fish_seen_subcommand_from create list merge remove" -f -a "list" -d 'List a keytab\'s entries (like `klist -kte`)'
complete -c spnkt -n "__fish_spnkt_using_subcommand keytab; and not __fish_seen_subcommand_from create list merge remove" -f -a "merge" -d 'Merge keytabs into one (like ktutil rkt/wkt)'
complete -c spnkt -n "__fish_spnkt_using_subcommand keytab; and not __fish_seen_subcommand_from create list merge remove" -f -a "remove" -d 'Remove entries from a keytab'
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
complete -c spnkt -n "__fish_spnkt_using_subcommand verify" -s t -l ticket -d 'The captured ticket: a file (Negotiate header, token, AP-REQ, ticket, .kirbi, ccache) or - for standard input' -r -F
complete -c spnkt -n "__fish_spnkt_using_subcommand verify" -s s -l service -d 'Only the tickets for this service principal (the realm may be left out)' -r
complete -c spnkt -n "__fish_spnkt_using_subcommand verify" -l json -d 'Print the result as one JSON object on standard output (errors too, as {"error": {...}})'
complete -c spnkt -n "__fish_spnkt_using_subcommand verify" -s q -l quiet -d 'Do not print notes and warnings on standard error (they stay in --json output)'
complete -c spnkt -n "__fish_spnkt_using_subcommand verify" -s h -l help -d 'Print help (see more with \'--help\')'
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
