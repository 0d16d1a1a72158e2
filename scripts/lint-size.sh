#!/usr/bin/env bash
# lint-size.sh: fail when a production Go file (not _test.go, not under
# testdata/) is over 400 lines or holds a function over 60 lines. Relies on
# gofmt's layout: a top-level func starts with "func " and ends with "}" at
# column 0.
set -euo pipefail
cd "$(dirname "$0")/.."
status=0
while read -r f; do
  n=$(wc -l < "$f")
  if [ "$n" -gt 400 ]; then echo "$f: $n lines, more than 400 in one file"; status=1; fi
  awk -v f="$f" '
    /^func / { start = NR; name = $0 }
    /^}/ && start { if (NR - start + 1 > 60) { printf "%s:%d: function of %d lines, more than 60: %s\n", f, start, NR - start + 1, substr(name, 1, 60); bad = 1 } start = 0 }
    END { exit bad }' "$f" || status=1
done < <(git ls-files --cached --others --exclude-standard '*.go' | grep -v -e '_test\.go$' -e '/testdata/' | while read -r f; do [ -f "$f" ] && echo "$f"; done)
exit $status
