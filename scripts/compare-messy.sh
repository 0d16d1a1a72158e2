#!/usr/bin/env bash
# compare-messy.sh: roompath's tools beside nmap, traceroute, curl, openssl
# and dig on the faults of the "messy network" labs, as one markdown table.
#
# Builds the binaries (make build, into bin/) and the labs, then, one lab at
# a time, runs in the lab's client namespace:
#   proxy-ARP lab (netpath/nslab/cmd/arplab): Wi-Fi client isolation by
#     proxy ARP, a healthy Wi-Fi peer, TCP 9090 dropped by the room's own
#     firewall, by its last router and by the first router;
#       pathcheck, roompath triage | nmap -sT -p 9090 | traceroute -T -p 9090
#   TLS lab (probe/proxytest/tlslab): an MTU black hole, SNI filters that
#     reset or drop, name-blind resets and drops, a healthy origin;
#       proxycheck --checks tls | nmap -sT -p 443 | curl, openssl s_client
#   SYN proxy lab (netpath/nslab/cmd/synlab): a room with 9090 closed and an
#     address with nobody behind an nftables synproxy, and a room that
#     listens behind it;
#       portcheck, roompath triage | nmap -sT -p 9090 | traceroute -T -p 9090
#   a DNS hijacker on loopback (probe/dnstest/cmd/fakedns, 127.0.0.51):
#       dnscheck | dig (zoom.us and a name that does not exist)
# and prints: fault | roompath | nmap -sT | traceroute -T | curl / openssl
# s_client / dig, each cell with its wall time. nmap runs with -n (without
# it every scan waits ~13 s on reverse DNS nobody answers in a namespace)
# and openssl with the lab's root (-CAfile), as curl gets it (--cacert).
# Progress goes to stderr, the table to stdout. Traffic stays inside the
# labs' namespaces and on 127.0.0.51. Every lab is torn down on exit (EOF on
# its stdin), whatever happens. Needs root (without it: says so, exits 0),
# go, make, ip, jq, nmap, traceroute, curl, openssl, dig, timeout, stdbuf.
# Takes about 1.5 minutes.
#
#   sudo scripts/compare-messy.sh
#   sudo scripts/compare-messy.sh >messy.md
set -euo pipefail

cd "$(dirname "$0")/.."
export PATH=/usr/local/go/bin:$PATH:/usr/sbin:/sbin
if [ "$(id -u)" -ne 0 ]; then
	echo "compare-messy: needs root (the labs are network namespaces); nothing done" >&2
	exit 0
fi
for tool in go make ip jq nmap traceroute curl openssl dig timeout stdbuf; do
	command -v "$tool" >/dev/null || { echo "compare-messy: $tool is required" >&2; exit 2; }
done

DNS_IP=127.0.0.51
DNS_PORT=15411
HIJACK=10.99.0.1

work=$(mktemp -d)
lab_pid=    # the running lab (one at a time)
lab_fd=     # our end of its stdin: closing it tears the lab down
dns_pid=
rows=()

log() { echo "compare-messy: $*" >&2; }

# stop_lab closes the running lab's stdin and waits for it to tear itself
# down (SIGTERM after 20 s, which it also handles).
stop_lab() {
	if [ -n "$lab_fd" ]; then
		exec {lab_fd}>&-
		lab_fd=
	fi
	if [ -n "$lab_pid" ]; then
		local i
		for i in $(seq 200); do
			kill -0 "$lab_pid" 2>/dev/null || break
			[ "$i" -eq 200 ] && kill "$lab_pid" 2>/dev/null
			sleep 0.1
		done
		wait "$lab_pid" 2>/dev/null || true
		lab_pid=
	fi
}

cleanup() {
	stop_lab
	if [ -n "$dns_pid" ]; then
		kill "$dns_pid" 2>/dev/null || true
		wait "$dns_pid" 2>/dev/null || true
	fi
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# start_lab NAME BINARY [ARGS...] starts a lab with a fifo on its stdin and
# waits for its JSON on NAME.json; it returns the lab's exit status if it
# dies first (synlab: 3 without the kernel's synproxy).
start_lab() {
	local name=$1
	shift
	mkfifo "$work/$name.in"
	"$@" <"$work/$name.in" >"$work/$name.json" 2>"$work/$name.err" &
	lab_pid=$!
	exec {lab_fd}>"$work/$name.in"
	local i
	for i in $(seq 600); do
		[ -s "$work/$name.json" ] && return 0
		if ! kill -0 "$lab_pid" 2>/dev/null; then
			local rc=0
			wait "$lab_pid" || rc=$?
			lab_pid=
			exec {lab_fd}>&-
			lab_fd=
			log "$name did not come up (exit $rc): $(tr '\n' ' ' <"$work/$name.err")"
			return "$((rc == 0 ? 1 : rc))"
		fi
		sleep 0.1
	done
	log "$name did not print its addresses within 60 s"
	stop_lab
	return 1
}

# field NAME KEY: a field of the running lab's JSON.
field() { jq -r ".$2" "$work/$1.json"; }

# run OUT CMD...: CMD's stdout to OUT, stderr to OUT.err; sets rc and secs,
# never fails.
rc=0
secs=0
run() {
	local out=$1 t0
	shift
	t0=$(date +%s%N)
	rc=0
	"$@" >"$out" 2>"$out.err" || rc=$?
	secs=$(awk -v a="$t0" -v b="$(date +%s%N)" 'BEGIN { printf "%.1f", (b - a) / 1e9 }')
}

# row CELL...: one table row; a "|" inside a cell is escaped.
row() {
	local line="|" cell
	for cell in "$@"; do
		line+=" ${cell//|/\\|} |"
	done
	rows+=("$line")
}

# --- summaries: a few words from each tool's output ---

# observed FILE [ID]: "observed/reason" of result ID (the first one without).
observed() {
	jq -r --arg id "${2:-}" '[.results[] | select($id == "" or .id == $id)][0] // {} |
		"\(.observed // "?")/\(.reason // "?")"' "$1" 2>/dev/null || echo "no report"
}

# verdict FILE: roompath triage's verdict.message in a few words.
verdict() {
	local m s
	m=$(jq -r '.verdict.message // "no verdict"' "$1" 2>/dev/null) || m="no report"
	s=$(jq -r '.verdict.status // "?"' "$1" 2>/dev/null) || s="?"
	case $m in
	*"proxy ARP"*"client isolation"*) m="Wi-Fi client isolation by proxy ARP" ;;
	*" is open ("*"nothing along the decision path failed"*) m="open, nothing failed" ;;
	*"the room's last router"*"look alike"*)
		m="dropped $(sed -n 's/.*silently dropped \(after [^,]*\),.*/\1/p' <<<"$m"), the last router: room firewall or its ACL, can't tell which" ;;
	*"silently dropped between"*"not the room's own firewall"*)
		m="dropped $(sed -n 's/.*silently dropped \(between .*(hop [0-9]*)\):.*/\1/p' <<<"$m"), not the room's firewall" ;;
	*)
		m=${m#TCP [0-9]* to * is }
		m=${m%.}
		[ "${#m}" -gt 140 ] && m="${m:0:137}..."
		;;
	esac
	echo "$s: $m"
}

# nmap_port FILE: the STATE nmap gives the one scanned port.
nmap_port() {
	awk '$1 ~ /^[0-9]+\/tcp$/ { print $1, $2; found = 1; exit } END { if (!found) print "no port line" }' "$1"
}

# trace_hops FILE TARGET: traceroute's hops, runs of silent ones folded
# ("1: 10.96.1.1, 2: 10.96.2.2, 3-8: *"), the target marked.
trace_hops() {
	awk -v target="$2" '
		function add(s) { out = out (out == "" ? "" : ", ") s }
		function flush() { if (n) add((first == last ? first : first "-" last) ": *"); n = 0 }
		NR > 1 && $1 ~ /^[0-9]+$/ {
			if ($2 == "*") { if (!n) first = $1; last = $1; n = 1; next }
			flush(); add($1 ": " $2 ($2 == target ? " (target)" : ""))
		}
		END { flush(); print (out == "" ? "no hops" : out) }' "$1"
}

# curl_says FILE: "HTTP 200", or curl's exit code and its error in a word.
curl_says() {
	local err
	err=$(grep -m1 '^curl:' "$1.err" || true)
	if [ "$rc" -eq 0 ]; then
		echo "HTTP $(cat "$1")"
		return
	fi
	case $err in
	*"timed out"*) echo "curl $rc timeout" ;;
	*"reset by peer"*) echo "curl $rc reset" ;;
	*refused*) echo "curl $rc refused" ;;
	*certificate*) echo "curl $rc certificate error" ;;
	*) echo "curl $rc ${err#curl: }" ;;
	esac
}

# openssl_says FILE: what openssl s_client printed, in a few words.
openssl_says() {
	local f=$1 conn="" proto verify
	grep -q '^CONNECTED' "$f" "$f.err" 2>/dev/null && conn="CONNECTED, "
	if [ "$rc" -eq 124 ]; then
		echo "openssl: ${conn}then nothing (killed after 5 s)"
	elif grep -q 'errno=104' "$f" "$f.err"; then
		echo "openssl: ${conn}reset (errno=104), no peer certificate"
	elif proto=$(sed -n 's/^New, \(TLSv[0-9.]*\), Cipher is .*/\1/p' "$f" | head -1) && [ -n "$proto" ]; then
		verify=$(sed -n 's/^ *Verify return code: \(.*\)/\1/p' "$f" | head -1)
		echo "openssl: $proto, verify $verify"
	else
		echo "openssl: exit $rc, $(grep -m1 -iE 'error|errno' "$f" "$f.err" | cut -d: -f2- | cut -c1-80)"
	fi
}

# --- the labs ---

arp_lab() {
	log "proxy-ARP lab"
	go build -o "$work/arplab" ./netpath/nslab/cmd/arplab
	start_lab arp "$work/arplab"
	local client key addr pc tr nm
	client=$(field arp Client)
	local -A what=(
		[Isolated]="Wi-Fi client isolation by proxy ARP"
		[Peer]="healthy Wi-Fi peer (control)"
		[RoomFirewall]="room's own firewall drops 9090 (443 open)"
		[LastRouterDrop]="last router drops 9090"
		[EarlyDrop]="first router drops 9090"
	)
	for key in Isolated Peer RoomFirewall LastRouterDrop EarlyDrop; do
		addr=$(field arp "$key")
		log "  $key $addr"
		run "$work/pc.json" ip netns exec "$client" bin/pathcheck --timeout 1s "$addr" -o json
		pc="pathcheck $(observed "$work/pc.json") (${secs} s)"
		run "$work/tr.json" ip netns exec "$client" bin/roompath triage --room "$addr" --skip status,dns,proxy,tls --timeout 1500ms -o json
		tr="triage $(verdict "$work/tr.json") (${secs} s)"
		run "$work/nmap" ip netns exec "$client" nmap -n -sT -Pn -p 9090 "$addr"
		nm="$(nmap_port "$work/nmap") (${secs} s)"
		run "$work/trace" ip netns exec "$client" traceroute -T -p 9090 -q1 -w1 -m 8 "$addr"
		row "${what[$key]}, $addr" "$pc; $tr" "$nm" "$(trace_hops "$work/trace" "$addr") (${secs} s)" "-"
	done
	stop_lab
}

tls_lab() {
	log "TLS lab"
	go build -o "$work/tlslab" ./probe/proxytest/tlslab
	start_lab tls "$work/tlslab" --dir "$work"
	local client root key addr px nm cu os
	client=$(field tls Client)
	root=$(field tls RootPEM)
	local -A what=(
		[BigChain]="MTU black hole (1280 link, ICMP frag-needed filtered)"
		[SNIReset]="SNI filter resets zoom.us"
		[SNIDrop]="SNI filter drops zoom.us"
		[HardReset]="firewall resets every TLS handshake"
		[HardDrop]="firewall drops every TLS handshake"
		[Clean]="healthy TLS origin (control)"
	)
	for key in BigChain SNIReset SNIDrop HardReset HardDrop Clean; do
		addr=$(field tls "$key")
		log "  $key $addr"
		run "$work/px.json" ip netns exec "$client" bin/proxycheck --no-wpad --checks tls --timeout 2s --ca "$root" \
			--connect-to "zoom.us:443:$addr:443" zoom.us:443 -o json
		px="proxycheck $(observed "$work/px.json" tls/zoom.us:443) (${secs} s)"
		run "$work/nmap" ip netns exec "$client" nmap -n -sT -Pn -p 443 "$addr"
		nm="$(nmap_port "$work/nmap") (${secs} s)"
		run "$work/curl" ip netns exec "$client" curl -sS -o /dev/null -w '%{http_code}' --max-time 5 --cacert "$root" \
			--resolve "zoom.us:443:$addr" https://zoom.us/
		cu="$(curl_says "$work/curl") (${secs} s)"
		# stdbuf: what openssl printed before timeout kills it is kept.
		run "$work/openssl" ip netns exec "$client" timeout 5 stdbuf -oL -eL openssl s_client -connect "$addr:443" \
			-servername zoom.us -CAfile "$root" </dev/null
		os="$(openssl_says "$work/openssl") (${secs} s)"
		row "${what[$key]}, $addr" "$px" "$nm" "-" "$cu; $os"
	done
	stop_lab
}

syn_lab() {
	log "SYN proxy lab"
	local status=0
	if [ ! -d netpath/nslab/cmd/synlab ] || ! go build -o "$work/synlab" ./netpath/nslab/cmd/synlab 2>"$work/synlab.build"; then
		row "synproxy lab: run scripts/compare-synproxy.sh" "-" "-" "-" "-"
		return
	fi
	start_lab syn "$work/synlab" || status=$?
	if [ "$status" -eq 3 ]; then
		row "synproxy lab: this kernel has no nftables synproxy (synlab exit 3)" "-" "-" "-" "-"
		return
	elif [ "$status" -ne 0 ]; then
		row "synproxy lab: did not come up, run scripts/compare-synproxy.sh" "-" "-" "-" "-"
		return
	fi
	local client key addr pt tr nm
	client=$(field syn Client)
	local -A what=(
		[Refused]="9090 closed behind an nftables synproxy"
		[NoHost]="nobody behind an nftables synproxy"
		[Proxied]="room listening behind the synproxy (control)"
	)
	for key in Refused NoHost Proxied; do
		addr=$(field syn "$key")
		log "  $key $addr"
		run "$work/pt.json" ip netns exec "$client" bin/portcheck -o json "$addr"
		pt="portcheck $(observed "$work/pt.json") (${secs} s)"
		run "$work/tr.json" ip netns exec "$client" bin/roompath triage --room "$addr" --skip status,dns,proxy,tls --timeout 1500ms -o json
		tr="triage $(verdict "$work/tr.json") (${secs} s)"
		run "$work/nmap" ip netns exec "$client" nmap -n -sT -Pn -p 9090 "$addr"
		nm="$(nmap_port "$work/nmap") (${secs} s)"
		run "$work/trace" ip netns exec "$client" traceroute -T -p 9090 -q1 -w1 -m 8 "$addr"
		row "${what[$key]}, $addr" "$pt; $tr" "$nm" "$(trace_hops "$work/trace" "$addr") (${secs} s)" "-"
	done
	stop_lab
}

dns_fake() {
	log "DNS hijacker on $DNS_IP:$DNS_PORT"
	go build -o "$work/fakedns" ./probe/dnstest/cmd/fakedns
	"$work/fakedns" -port "$DNS_PORT" -serve "$DNS_IP=hijack,hijack=$HIJACK" >"$work/fakedns.out" 2>&1 &
	dns_pid=$!
	local i
	for i in $(seq 50); do
		grep -q '^ready' "$work/fakedns.out" && break
		kill -0 "$dns_pid" 2>/dev/null || { log "fakedns: $(cat "$work/fakedns.out")"; return 1; }
		sleep 0.1
	done
	local dc nx a1 a2 dig_s
	run "$work/dc.json" bin/dnscheck -o json --whoami= --resolver "$DNS_IP:$DNS_PORT" zoom.us
	dc="dnscheck $(observed "$work/dc.json" "dns/zoom.us/A@$DNS_IP:$DNS_PORT") (${secs} s)"
	run "$work/dig1" dig @"$DNS_IP" -p "$DNS_PORT" zoom.us A +short
	a1=$(paste -sd, "$work/dig1")
	dig_s=$secs
	nx=does-not-exist-$RANDOM.example.com
	run "$work/dig2" dig @"$DNS_IP" -p "$DNS_PORT" "$nx" A +short
	a2=$(paste -sd, "$work/dig2")
	row "DNS hijacker answers every name with $HIJACK, $DNS_IP:$DNS_PORT" "$dc" "-" "-" \
		"dig: zoom.us A ${a1:-none} (${dig_s} s), $nx A ${a2:-none} (${secs} s): plain answers, nothing marks them hijacked"
	kill "$dns_pid" 2>/dev/null || true
	wait "$dns_pid" 2>/dev/null || true
	dns_pid=
}

t0=$(date +%s)
log "make build"
make build >&2
arp_lab
tls_lab
syn_lab
dns_fake

echo "| fault | roompath (observed/reason; verdict) | nmap -sT | traceroute -T | curl / openssl s_client (dig for DNS) |"
echo "|---|---|---|---|---|"
printf '%s\n' "${rows[@]}"
echo
echo "wall time $(($(date +%s) - t0)) s (build included)"
