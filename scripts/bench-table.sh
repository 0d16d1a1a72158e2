#!/usr/bin/env bash
# Prints the rows `make bench` collected (tab-separated: figure, roompath's
# value, the comparison tool, its value, the ratio) as one table.
set -euo pipefail
rows=${1:?usage: bench-table.sh ROWS_FILE}
[ -s "$rows" ] || { echo "bench-table: no figures in $rows" >&2; exit 1; }
{
  printf 'FIGURE\tROOMPATH\tBESIDE\tITS VALUE\tRATIO\n'
  cat "$rows"
} | awk -F'\t' '
  { for (i = 1; i <= 5; i++) { cell[NR, i] = $i; if (length($i) > w[i]) w[i] = length($i) } }
  END {
    for (r = 1; r <= NR; r++) {
      line = ""
      for (i = 1; i <= 5; i++) line = line sprintf("%-*s  ", w[i], cell[r, i])
      sub(/ +$/, "", line); print line
      if (r == 1) { sep = ""; for (i = 1; i <= 5; i++) sep = sep sprintf("%s  ", substr("----------------------------------------------------------------", 1, w[i])); sub(/ +$/, "", sep); print sep }
    }
  }'
