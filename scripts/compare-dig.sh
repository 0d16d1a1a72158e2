#!/usr/bin/env bash
# compare-dig.sh: dnscheck beside dig on the same names and resolvers.
#
# Starts fake resolvers on loopback (probe/dnstest/cmd/fakedns: answering,
# sinkholing, NXDOMAIN, SERVFAIL, REFUSED, truncating, and one dead), runs
#   dnscheck -o json (every query at once), then
#   dig @IP -p PORT NAME TYPE +tries=1 +time=N (one query at a time),
# on the default Zoom names × A, AAAA × every resolver, compares the rcodes
# and answer sets query by query, and prints both wall times and their
# ratio. Traffic stays on 127.0.0.0/8. Needs go, dig (dnsutils) and jq.
#
#   scripts/compare-dig.sh            # PORT=15353 TIMEOUT=1 by default
#   PORT=25353 TIMEOUT=2 scripts/compare-dig.sh
set -euo pipefail

PORT=${PORT:-15353}
TIMEOUT=${TIMEOUT:-1}
cd "$(dirname "$0")/.."
for tool in go dig jq; do
	command -v "$tool" >/dev/null || { echo "compare-dig: $tool is required" >&2; exit 2; }
done

work=$(mktemp -d)
fake_pid=
cleanup() {
	[ -n "$fake_pid" ] && kill "$fake_pid" 2>/dev/null && wait "$fake_pid" 2>/dev/null
	rm -rf "$work"
}
trap cleanup EXIT

go build -o "$work/dnscheck" ./cmd/dnscheck
go build -o "$work/fakedns" ./probe/dnstest/cmd/fakedns

resolvers=(127.0.0.2 127.0.0.3 127.0.0.4 127.0.0.5 127.0.0.6 127.0.0.7 127.0.0.8)
dead=127.0.0.8
"$work/fakedns" -port "$PORT" \
	-serve 127.0.0.2=answer \
	-serve 127.0.0.3=sinkhole,names=zoom.us+www.zoom.us+zoomstatus.com,sinkhole6=:: \
	-serve 127.0.0.4=nxdomain \
	-serve 127.0.0.5=servfail \
	-serve 127.0.0.6=refused \
	-serve 127.0.0.7=truncate \
	-serve 127.0.0.8=silent >"$work/fake.out" 2>&1 &
fake_pid=$!
# Readiness: one "ready" line per server.
for _ in $(seq 100); do
	[ "$(grep -c '^ready' "$work/fake.out" 2>/dev/null)" = "${#resolvers[@]}" ] && break
	sleep 0.05
done
[ "$(grep -c '^ready' "$work/fake.out")" = "${#resolvers[@]}" ] || { cat "$work/fake.out" >&2; exit 1; }

mapfile -t names < <("$work/dnscheck" --help 2>&1 | sed -n '/^Default names/,/^$/p' | tail -n +4 | head -n 1 | tr ',' '\n' | tr -d ' ' | grep .)
types=(A AAAA)
now() { date +%s.%N; }

# dnscheck: everything at once. Exit 1 is expected (the fakes misbehave).
args=()
for r in "${resolvers[@]}"; do args+=(--resolver "$r:$PORT"); done
t0=$(now)
"$work/dnscheck" -o json "${args[@]}" --type A,AAAA --timeout "${TIMEOUT}s" --attempts 1 \
	--nx-zone= --whoami= "${names[@]}" >"$work/dnscheck.json" 2>"$work/dnscheck.err" || true
t1=$(now)
# The same without the dead resolver, for the figure without timeouts.
live=()
for r in "${resolvers[@]}"; do [ "$r" = "$dead" ] || live+=(--resolver "$r:$PORT"); done
t1a=$(now)
"$work/dnscheck" -o json "${live[@]}" --type A,AAAA --timeout "${TIMEOUT}s" --attempts 1 \
	--nx-zone= --whoami= "${names[@]}" >/dev/null 2>&1 || true
t1b=$(now)
jq -r '.results[] | [ (.id | sub("^dns/"; "") | sub(":[0-9]+$"; "")),
	(.detail.rcode // "TIMEOUT"),
	([.detail.answers[] | "\(.name | ascii_downcase) \(.type) \(.data)"] | sort | join("|")) ] | @tsv' \
	"$work/dnscheck.json" | sort >"$work/dnscheck.tsv"

# dig: one query at a time.
: >"$work/dig.tsv"
t2=$(now)
dead_time=0
for r in "${resolvers[@]}"; do
	tr0=$(now)
	for n in "${names[@]}"; do
		for t in "${types[@]}"; do
			out=$(dig @"$r" -p "$PORT" "$n" "$t" +tries=1 +time="$TIMEOUT" +noall +comments +answer 2>&1 || true)
			rcode=$(sed -n 's/.*status: \([A-Z]*\),.*/\1/p' <<<"$out" | tail -n 1)
			answers=$({ grep -v '^;' <<<"$out" || true; } | awk 'NF >= 5 { d = $5; for (i = 6; i <= NF; i++) d = d " " $i; print tolower($1) " " $4 " " d }' | sort | paste -sd'|' -)
			printf '%s/%s@%s\t%s\t%s\n' "$n" "$t" "$r" "${rcode:-TIMEOUT}" "$answers" >>"$work/dig.tsv"
		done
	done
	[ "$r" = "$dead" ] && dead_time=$(awk -v a="$tr0" -v b="$(now)" 'BEGIN { print b - a }')
done
t3=$(now)
sort -o "$work/dig.tsv" "$work/dig.tsv"

total=$(wc -l <"$work/dig.tsv")
same=$(comm -12 "$work/dnscheck.tsv" "$work/dig.tsv" | wc -l)
echo "queries: ${#names[@]} names × ${#types[@]} types × ${#resolvers[@]} resolvers = $total (one resolver dead, timeout ${TIMEOUT}s, 1 try)"
echo "agreement (rcode and answer set): $same/$total"
if [ "$same" != "$total" ]; then
	echo "differences (< dnscheck, > dig):"
	diff "$work/dnscheck.tsv" "$work/dig.tsv" | grep '^[<>]' || true
fi
jq -r '"dnscheck summary: \(.summary.total) results: \(.summary.pass) pass, \(.summary.fail) fail, \(.summary.warn) warn"' "$work/dnscheck.json"
awk -v a="$t0" -v b="$t1" -v c="$t2" -v d="$t3" -v la="$t1a" -v lb="$t1b" -v dead="$dead_time" 'BEGIN {
	dc = b - a; dg = d - c; lc = lb - la; lg = dg - dead
	printf "wall time, all resolvers: dnscheck %.3f s (all at once), dig %.3f s (one at a time), ratio %.1f×\n", dc, dg, dg / dc
	printf "wall time, without the dead one: dnscheck %.3f s, dig %.3f s, ratio %.1f×\n", lc, lg, lg / lc
}'
[ "$same" = "$total" ]
