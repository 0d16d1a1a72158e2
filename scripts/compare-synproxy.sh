#!/usr/bin/env bash
# compare-synproxy.sh: portcheck and pathcheck beside nmap -sT on rooms
# behind a router that answers the TCP handshake for them (nftables
# synproxy).
#
# Builds the synproxy lab (netpath/nslab/cmd/synlab: client -> r (hop 1,
# synproxy for TCP 9090 on the room network) -> room), then for each room
# runs in the client namespace
#   nmap -n -Pn -sT -p 9090                   (a connect scan: open = handshake done)
#   portcheck -o json --timeout T             (as root: raw_ttl; as nobody: post_handshake)
#   pathcheck -o json --timeout T
# and prints what each says. nmap calls every synproxied address open: the
# room that refuses 9090 behind the proxy, the address with nothing behind
# it, and the room that answers. portcheck calls them closed and filtered
# with reason handshake_by_middlebox (and open for the room that answers);
# pathcheck reached (a reset came back) and dropped, placing the handshake
# at hop 1 by the SYN-ACK's IP TTL when run as root. Traffic stays inside
# the lab's namespaces. Needs root, go, ip, nft, nmap and jq; exits 3 when
# the kernel has no nftables synproxy.
#
#   scripts/compare-synproxy.sh            # TIMEOUT=1 (seconds)
#   TIMEOUT=2 scripts/compare-synproxy.sh
set -euo pipefail

TIMEOUT=${TIMEOUT:-1}
cd "$(dirname "$0")/.."
export PATH=$PATH:/usr/local/go/bin:/usr/sbin:/sbin
for tool in go ip nft nmap jq; do
	command -v "$tool" >/dev/null || { echo "compare-synproxy: $tool is required" >&2; exit 2; }
done
[ "$(id -u)" -eq 0 ] || { echo "compare-synproxy: needs root (network namespaces)" >&2; exit 2; }

work=$(mktemp -d)
chmod 755 "$work"
lab_pid=
cleanup() {
	exec 3>&- 2>/dev/null || true # EOF on the lab's stdin: it tears itself down
	[ -n "$lab_pid" ] && wait "$lab_pid" 2>/dev/null
	rm -rf "$work"
}
trap cleanup EXIT

go build -o "$work/portcheck" ./cmd/portcheck
go build -o "$work/pathcheck" ./cmd/pathcheck
go build -o "$work/synlab" ./netpath/nslab/cmd/synlab

mkfifo "$work/stdin"
"$work/synlab" <"$work/stdin" >"$work/lab.json" 2>"$work/lab.err" &
lab_pid=$!
exec 3>"$work/stdin"
for _ in $(seq 200); do
	[ -s "$work/lab.json" ] && break
	kill -0 "$lab_pid" 2>/dev/null || break
	sleep 0.05
done
if [ ! -s "$work/lab.json" ]; then
	cat "$work/lab.err" >&2
	wait "$lab_pid" 2>/dev/null && status=0 || status=$?
	lab_pid=
	[ "$status" -eq 3 ] && { echo "compare-synproxy: skipped: no nftables synproxy in this kernel" >&2; exit 3; }
	echo "compare-synproxy: the lab did not come up" >&2
	exit 1
fi

lab() { jq -r ".$1" "$work/lab.json"; }
client=$(lab Client)
port=$(lab Port)
in_client() { ip netns exec "$client" "$@"; }
nobody=()
command -v setpriv >/dev/null && nobody=(setpriv --reuid=65534 --regid=65534 --clear-groups)
now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", b - a }'; }

# tcp_line and path_line print one result of a JSON report on one line.
tcp_line() { jq -r '.results[0] | "\(.status) \(.observed)/\(.reason // "-") check=\(.detail.handshake_check // "-") after=\(.detail.after_handshake // "-") syn_ack_hop=\(.detail.syn_ack.hop // "-") reset_hop=\(.detail.reset.hop // "-")"' "$1"; }
path_line() { jq -r '.results[0] | "\(.status) \(.observed)/\(.reason // "-") reported_by=\(.reported_by // "-") reach_ttl=\(.detail.reach_ttl // "-") syn_ack_hop=\(.detail.syn_ack.hop // "-")"' "$1"; }

rooms=("Refused" "NoHost" "Proxied" "RefusedV6" "NoHostV6")
printf 'Lab: router %s (hop 1) runs nftables synproxy for TCP %s on the room network; the room is %s hops away.\n' "$(lab Hop1)" "$port" "$(lab RoomHops)"
false_open=0
for name in "${rooms[@]}"; do
	addr=$(lab "$name")
	fam=()
	[[ $addr == *:* ]] && fam=(-6)
	t0=$(now)
	nm=$(in_client nmap -n -Pn -sT "${fam[@]}" -p "$port" "$addr" -oG - 2>/dev/null | awk -F'Ports: ' '/Ports:/ { split($2, p, "/"); print p[2] }')
	t1=$(now)
	in_client "$work/portcheck" -o json --timeout "${TIMEOUT}s" "$addr" >"$work/pc.json" 2>/dev/null || true
	t2=$(now)
	in_client "$work/pathcheck" -o json --timeout "${TIMEOUT}s" --max-hops 6 "$addr" >"$work/path.json" 2>/dev/null || true
	printf '\n== %s %s\n' "$name" "$addr"
	printf '  %-22s %s (%ss)\n' "nmap -sT" "${nm:-?}" "$(elapsed "$t0" "$t1")"
	printf '  %-22s %s (%ss)\n' "portcheck (root)" "$(tcp_line "$work/pc.json")" "$(elapsed "$t1" "$t2")"
	if [ ${#nobody[@]} -gt 0 ]; then
		in_client "${nobody[@]}" "$work/portcheck" -o json --timeout "${TIMEOUT}s" "$addr" >"$work/pcu.json" 2>/dev/null || true
		printf '  %-22s %s\n' "portcheck (nobody)" "$(tcp_line "$work/pcu.json")"
	fi
	printf '  %-22s %s\n' "pathcheck (root)" "$(path_line "$work/path.json")"
	if [ "$nm" = open ] && [ "$(jq -r '.results[0].observed' "$work/pc.json")" != open ]; then
		false_open=$((false_open + 1))
	fi
	printf '  hint: %s\n' "$(jq -r '.results[0].hint // "-"' "$work/pc.json")"
done
printf '\nnmap -sT called %d address(es) open that portcheck shows are answered by the synproxy with nothing (or a refusing room) behind it.\n' "$false_open"
