#!/usr/bin/env bash
# compare-iperf.sh: mediacheck beside iperf3 -u over the same impaired path
# of the namespace media lab.
#
# Builds the media lab (netpath/nslab/cmd/medialab: client -> r1 -> r2 ->
# responder; toward its Impaired address r1's nftables drops LOSS % of the
# UDP at random (numgen) and a userspace relay in r2, reached by an
# nftables redirect, delays every datagram by DELAY plus a random share of
# JITTER; the lab runs the roompath UDP reflector in-process), then runs in
# the client namespace, at the same time (so both meet the same load of
# this host), for DURATION each:
#   mediacheck -o json -p 8801 --duration D --pps 50 --size 200 IMPAIRED
#   iperf3 -c IMPAIRED -u -b 80k -l 200 -t D --json   (50 datagrams/s of 200 bytes, as mediacheck)
# and prints a table of each tool's loss and upstream jitter (RFC 3550
# interarrival jitter at the far end, both), with the datagrams r1 dropped
# from each tool's flow (its nftables counter for 8801 and for 5201), the
# truth both tools measure. It exits 1 when the two differ by
# more than LOSS_TOL points of loss or JITTER_TOL percent of iperf3's
# jitter, 2 when a tool is missing or a run gave no figure. Traffic stays
# inside the lab's namespaces. Needs root, go, ip, nft, iperf3 and jq.
#
# Bounds: LOSS whole percent 0-100, DELAY and JITTER Go durations 0-10s
# (medialab's --loss, --delay, --jitter), DURATION whole seconds 2-300.
#
# Random loss makes each tool's figure a binomial sample: at 3 % over 1,000
# datagrams (the defaults) the two differ by more than 2.5 points about
# once in a thousand runs by chance alone; at 5 % over 500, once in 14.
#
#   scripts/compare-iperf.sh        # LOSS=3 DELAY=30ms JITTER=20ms DURATION=20 LOSS_TOL=2.5 JITTER_TOL=40
#   LOSS=10 JITTER=40ms DURATION=30 scripts/compare-iperf.sh
set -euo pipefail

LOSS=${LOSS:-3}
DELAY=${DELAY:-30ms}
JITTER=${JITTER:-20ms}
DURATION=${DURATION:-20}
LOSS_TOL=${LOSS_TOL:-2.5}
JITTER_TOL=${JITTER_TOL:-40}
cd "$(dirname "$0")/.."
export PATH=$PATH:/usr/local/go/bin:/usr/sbin:/sbin
for tool in go ip nft iperf3 jq; do
	command -v "$tool" >/dev/null || { echo "compare-iperf: $tool is required" >&2; exit 2; }
done
[ "$(id -u)" -eq 0 ] || { echo "compare-iperf: needs root (network namespaces)" >&2; exit 2; }
[[ $DURATION =~ ^[0-9]+$ ]] && [ "$DURATION" -ge 2 ] && [ "$DURATION" -le 300 ] ||
	{ echo "compare-iperf: DURATION $DURATION must be whole seconds, 2-300" >&2; exit 2; }

work=$(mktemp -d)
lab_pid=
iperf_pid=
cleanup() {
	[ -n "$iperf_pid" ] && kill "$iperf_pid" 2>/dev/null && wait "$iperf_pid" 2>/dev/null
	exec 3>&- 2>/dev/null || true # EOF on the lab's stdin: it tears itself down
	[ -n "$lab_pid" ] && wait "$lab_pid" 2>/dev/null
	rm -rf "$work"
}
trap cleanup EXIT

go build -o "$work/mediacheck" ./cmd/mediacheck
go build -o "$work/medialab" ./netpath/nslab/cmd/medialab

mkfifo "$work/stdin"
"$work/medialab" --loss "$LOSS" --delay "$DELAY" --jitter "$JITTER" <"$work/stdin" >"$work/lab.json" &
lab_pid=$!
exec 3>"$work/stdin"
for _ in $(seq 400); do
	[ -s "$work/lab.json" ] && break
	kill -0 "$lab_pid" 2>/dev/null || { wait "$lab_pid" || exit $?; } # a bad flag: medialab said why
	sleep 0.05
done
[ -s "$work/lab.json" ] || { echo "compare-iperf: the lab did not come up" >&2; exit 1; }

lab() { jq -r ".$1" "$work/lab.json"; }
target=$(lab Impaired)
in_ns() { ns=$1; shift; ip netns exec "$ns" "$@"; }
# r1_drops PORT prints how many datagrams to PORT r1's random-drop rules
# have dropped.
r1_drops() {
	in_ns "$(lab R1)" nft -j list table inet roompath_medialab | jq --argjson p "$1" \
		'[.nftables[] | .rule? // empty | select(any(.expr[]; .match?.left.payload?.field == "dport" and .match.right == $p))
		  | .expr[] | .counter?.packets // empty] | add // 0'
}

in_ns "$(lab Responder)" iperf3 -s -1 >"$work/iperf-server.txt" 2>&1 &
iperf_pid=$!
for _ in $(seq 100); do in_ns "$(lab Responder)" ss -ltn | grep -q ':5201 ' && break; sleep 0.05; done

in_ns "$(lab Client)" "$work/mediacheck" -o json -p 8801 --duration "${DURATION}s" --pps 50 --size 200 "$target" >"$work/mc.json" &
mc_pid=$!
in_ns "$(lab Client)" iperf3 -c "$target" -u -b 80k -l 200 -t "$DURATION" --json >"$work/ip.json" || true
wait "$mc_pid" || true
wait "$iperf_pid" 2>/dev/null || true
iperf_pid=
mc_drops=$(r1_drops 8801)
ip_drops=$(r1_drops 5201)

mc=$(jq -r '[.results[] | select(.check == "media")][0].detail | "\(.loss_pct // "null") \(.jitter_up_ms // "null") \(.sent // "null")"' "$work/mc.json")
ip=$(jq -r '.end.sum | "\(.lost_percent // "null") \(.jitter_ms // "null") \(.packets // "null")"' "$work/ip.json")
read -r mc_loss mc_jit mc_sent <<<"$mc"
read -r ip_loss ip_jit ip_sent <<<"$ip"
for v in "$mc_loss" "$mc_jit" "$ip_loss" "$ip_jit"; do
	[ "$v" != null ] || {
		echo "compare-iperf: a run gave no figure (mediacheck: $mc; iperf3: $ip)" >&2
		jq -c '.results[]? | {id, observed, hint}' "$work/mc.json" >&2 || true
		jq -r '.error? // empty' "$work/ip.json" >&2 || true
		exit 2
	}
done

printf '\nimpaired path %s: r1 drops %s %% at random, relay delay %s + jitter up to %s; both tools at once, %s s, 50 datagrams/s of 200 bytes\n\n' \
	"$target" "$LOSS" "$DELAY" "$JITTER" "$DURATION"
awk -v ml="$mc_loss" -v mj="$mc_jit" -v ms="$mc_sent" -v md="$mc_drops" \
	-v il="$ip_loss" -v ij="$ip_jit" -v is="$ip_sent" -v id="$ip_drops" -v lt="$LOSS_TOL" -v jt="$JITTER_TOL" 'BEGIN {
	printf "%-22s %12s %12s %12s\n", "", "mediacheck", "iperf3 -u", "difference"
	printf "%-22s %12s %12s\n", "datagrams sent", ms, is
	printf "%-22s %12d %12d\n", "dropped by r1 (nft)", md, id
	if (ms > 0 && is > 0) printf "%-22s %11.2f%% %11.2f%%\n", "  as a share of sent", 100 * md / ms, 100 * id / is
	dl = ml - il; if (dl < 0) dl = -dl
	dj = mj - ij; if (dj < 0) dj = -dj
	pj = (ij > 0) ? 100 * dj / ij : (dj == 0 ? 0 : 1e9)
	printf "%-22s %11.2f%% %11.2f%% %9.2f pt\n", "loss", ml, il, dl
	printf "%-22s %10.2fms %10.2fms %10.1f %%\n", "jitter upstream", mj, ij, pj
	ok = (dl <= lt) && (pj <= jt)
	printf "\nloss within %s points: %s; upstream jitter within %s %% of iperf3: %s\n", lt, (dl <= lt ? "yes" : "NO"), jt, (pj <= jt ? "yes" : "NO")
	exit ok ? 0 : 1
}'
