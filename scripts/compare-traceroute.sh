#!/usr/bin/env bash
# compare-traceroute.sh: pathcheck beside traceroute -T and tracepath on the
# same rooms of the namespace lab.
#
# Builds the path lab (netpath/nslab/cmd/pathlab: client -> r1 -> r2 ->
# room, a drop, a reject and a forged reset at r2, a Wi-Fi bridge with
# client isolation, a tunnel), then for each room runs in the client
# namespace
#   pathcheck -o json --timeout T            (every TTL at once, TCP 9090)
#   traceroute -T -p 9090 -n -q 1 -w T       (TCP SYN, one probe per hop)
#   traceroute -T -p 9090 -n                 (its defaults: 3 probes per hop)
#   tracepath -n                             (UDP, hop by hop)
# prints the hop addresses side by side, says whether pathcheck and
# traceroute -T agree hop by hop, and prints each tool's wall time. tracepath
# probes with UDP, so where a firewall drops only TCP 9090 it sees further:
# that difference is the point of a TCP trace. Traffic stays inside the
# lab's namespaces. Needs root, go, ip, traceroute, tracepath and jq.
#
#   scripts/compare-traceroute.sh             # TIMEOUT=1 (seconds), MAXHOPS=30
#   TIMEOUT=2 MAXHOPS=12 scripts/compare-traceroute.sh
set -euo pipefail

TIMEOUT=${TIMEOUT:-1}
MAXHOPS=${MAXHOPS:-30}
cd "$(dirname "$0")/.."
export PATH=$PATH:/usr/local/go/bin:/usr/sbin:/sbin
for tool in go ip traceroute tracepath jq; do
	command -v "$tool" >/dev/null || { echo "compare-traceroute: $tool is required" >&2; exit 2; }
done
[ "$(id -u)" -eq 0 ] || { echo "compare-traceroute: needs root (network namespaces)" >&2; exit 2; }

work=$(mktemp -d)
lab_pid=
cleanup() {
	exec 3>&- 2>/dev/null || true # EOF on the lab's stdin: it tears itself down
	[ -n "$lab_pid" ] && wait "$lab_pid" 2>/dev/null
	rm -rf "$work"
}
trap cleanup EXIT

go build -o "$work/pathcheck" ./cmd/pathcheck
go build -o "$work/pathlab" ./netpath/nslab/cmd/pathlab

mkfifo "$work/stdin"
"$work/pathlab" <"$work/stdin" >"$work/lab.json" &
lab_pid=$!
exec 3>"$work/stdin"
for _ in $(seq 200); do [ -s "$work/lab.json" ] && break; sleep 0.05; done
[ -s "$work/lab.json" ] || { echo "compare-traceroute: the lab did not come up" >&2; exit 1; }

lab() { jq -r ".$1" "$work/lab.json"; }
client=$(lab Client)
in_client() { ip netns exec "$client" "$@"; }
now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }

rooms=("Open" "Dropped" "Rejected" "ForgedReset" "Closed" "NoNeighbor" "Isolated" "TunnelRoom" "OpenV6" "DroppedV6")
declare -A wall_pc wall_tr wall_trd wall_tp
agree=0
total=0

# hops_pathcheck prints "TTL ADDRESS" lines ("*" for silence) from JSON.
hops_pathcheck() { jq -r '.results[0].detail.hops[] | "\(.ttl) \(.address // "*")"' "$1"; }
# hops_traceroute parses `traceroute -n -q 1`.
hops_traceroute() { awk 'NR > 1 && $1 ~ /^[0-9]+$/ { print $1, $2 }' "$1"; }
# hops_tracepath keeps the last line of each TTL of `tracepath -n`.
hops_tracepath() {
	awk '$1 ~ /^[0-9]+:$/ { ttl = substr($1, 1, length($1) - 1); a = ($2 == "no") ? "*" : $2; last[ttl] = a; if (ttl > max) max = ttl }
		END { for (i = 1; i <= max; i++) if (i in last) print i, last[i] }' "$1"
}

# squeeze prints the hop table, folding a run of identical silent rows
# into one ("4-30").
squeeze() {
	awk 'function flush() { if (n) printf "%-6s %-16s %-16s %-16s\n", (first == last ? first : first "-" last), a, b, c; n = 0 }
		{ silent = ($2 == "*" || $2 == "-") && ($3 == "*" || $3 == "-") && ($4 == "*" || $4 == "-")
		  if (n && silent && $2 == a && $3 == b && $4 == c) { last = $1; next }
		  flush(); first = last = $1; a = $2; b = $3; c = $4; n = 1 }
		END { flush() }'
}

for name in "${rooms[@]}"; do
	addr=$(lab "$name")
	fam=-4
	[[ $addr == *:* ]] && fam=-6

	t0=$(now)
	in_client "$work/pathcheck" -o json --timeout "${TIMEOUT}s" --max-hops "$MAXHOPS" "$addr" >"$work/pc.json" 2>/dev/null || true
	t1=$(now)
	in_client traceroute "$fam" -T -p 9090 -n -q 1 -w "$TIMEOUT" -m "$MAXHOPS" "$addr" >"$work/tr.txt" 2>&1 || true
	t2=$(now)
	in_client traceroute "$fam" -T -p 9090 -n -m "$MAXHOPS" "$addr" >/dev/null 2>&1 || true
	t3=$(now)
	in_client tracepath "$fam" -n -m "$MAXHOPS" "$addr" >"$work/tp.txt" 2>&1 || true
	t4=$(now)
	wall_pc[$name]=$(elapsed "$t0" "$t1")
	wall_tr[$name]=$(elapsed "$t1" "$t2")
	wall_trd[$name]=$(elapsed "$t2" "$t3")
	wall_tp[$name]=$(elapsed "$t3" "$t4")

	hops_pathcheck "$work/pc.json" >"$work/pc.hops"
	hops_traceroute "$work/tr.txt" >"$work/tr.hops"
	hops_tracepath "$work/tp.txt" >"$work/tp.hops"
	observed=$(jq -r '.results[0] | "\(.observed)/\(.reason)"' "$work/pc.json")
	printf '\n== %s %s: pathcheck says %s\n' "$name" "$addr" "$observed"
	printf '%-6s %-16s %-16s %-16s\n' TTL pathcheck traceroute-T tracepath
	join -a1 -a2 -e - -o 0,1.2,2.2 <(sort -k1,1 "$work/pc.hops") <(sort -k1,1 "$work/tr.hops") |
		join -a1 -a2 -e - -o 0,1.2,1.3,2.2 - <(sort -k1,1 "$work/tp.hops") |
		sort -n | squeeze
	# Agreement: every TTL both tools report (pathcheck stops at the first
	# terminal reply, traceroute at the destination) has the same address.
	mismatch=$(join <(sort -k1,1 "$work/pc.hops") <(sort -k1,1 "$work/tr.hops") | awk '$2 != $3' | sort -n)
	total=$((total + 1))
	if [ -z "$mismatch" ]; then
		agree=$((agree + 1))
		echo "pathcheck and traceroute -T agree on every hop"
	else
		echo "pathcheck and traceroute -T differ at:"
		echo "$mismatch"
	fi
done

printf '\n%-12s %-16s %10s %16s %18s %10s\n' room address pathcheck "traceroute -T" "traceroute -T (def)" tracepath
for name in "${rooms[@]}"; do
	printf '%-12s %-16s %9ss %15ss %17ss %9ss\n' "$name" "$(lab "$name")" "${wall_pc[$name]}" "${wall_tr[$name]}" "${wall_trd[$name]}" "${wall_tp[$name]}"
done
printf '\nhop addresses agree (pathcheck vs traceroute -T -q 1): %d of %d rooms; timeout %ss, max hops %s\n' "$agree" "$total" "$TIMEOUT" "$MAXHOPS"
