#!/usr/bin/env bash
# The Debian package, as an admin gets it: build it with cargo-deb (from
# Cargo.toml's [package.metadata.deb]), install it with dpkg, and check what an
# installed tool must do: `spnkt --version` on PATH, `man -w spnkt-create` finding
# the man page, bash completing `spnkt cre<TAB>` to `create`, the zsh and fish
# completions in their vendor directories. The package is removed again at the end.
#
# Needs root (dpkg -i). tests/run-all.sh runs it after the test suites when run as
# root; it prints one "*** deb package test ran" line that run-all counts.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "$(id -u)" != 0 ]; then
  echo "deb-package: needs root (dpkg -i); skipped" >&2
  exit 0
fi
if ! command -v cargo-deb >/dev/null; then
  cargo install cargo-deb --locked --quiet
fi

cargo deb --locked --quiet
deb=$(ls -t target/debian/spnkt_*.deb | head -1)
if dpkg -s spnkt >/dev/null 2>&1; then
  echo "deb-package: a spnkt package is installed already; not touching it" >&2
  exit 1
fi
dpkg -i "$deb" >/dev/null
trap 'dpkg -r spnkt >/dev/null' EXIT

fail() { echo "deb-package: $*" >&2; exit 1; }

version=$(cd / && spnkt --version)
[ "$(command -v spnkt)" = /usr/bin/spnkt ] || fail "spnkt is not /usr/bin/spnkt"
case $version in "spnkt "*) ;; *) fail "spnkt --version printed: $version" ;; esac

page=$(man -w spnkt-create) || fail "man -w spnkt-create found nothing"
case $page in /usr/share/man/man1/spnkt-create.1*) ;; *) fail "man page at $page" ;; esac
man_pages=$(dpkg -L spnkt | grep -c '^/usr/share/man/man1/spnkt.*\.1')
[ "$man_pages" -eq "$(ls man/*.1 | wc -l)" ] || fail "$man_pages man pages installed, $(ls man/*.1 | wc -l) in man/"

bash_completion=/usr/share/bash-completion/completions/spnkt
[ -f "$bash_completion" ] || fail "no $bash_completion"
completed=$(bash -c '
  source '"$bash_completion"'
  COMP_WORDS=(spnkt cre); COMP_CWORD=1; COMP_LINE="spnkt cre"; COMP_POINT=${#COMP_LINE}
  _spnkt spnkt cre spnkt
  printf "%s\n" "${COMPREPLY[@]}"')
grep -qx create <<<"$completed" || fail "bash completes 'spnkt cre' to: $completed"
[ -f /usr/share/zsh/vendor-completions/_spnkt ] || fail "no zsh completion"
[ -f /usr/share/fish/vendor_completions.d/spnkt.fish ] || fail "no fish completion"

echo "*** deb package test ran: $(basename "$deb") ($(du -k "$deb" | cut -f1) KiB; binary $(du -k /usr/bin/spnkt | cut -f1) KiB), $version, $man_pages man pages, man -w spnkt-create: $page, bash completes spnkt cre -> create, zsh and fish completions installed ***"
