#!/usr/bin/env bash
# compare-curl.sh: run proxycheck and curl -v / openssl s_client against the
# same fake proxies on loopback and print whether they agree, with wall
# times. Traffic stays on 127.0.0.1: every Zoom name is sent to a loopback
# fake with --connect-to (proxycheck), --connect-to/--resolve (curl) or the
# fake proxy's own upstream map. Needs go, curl, openssl, python3.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH=/usr/local/go/bin:$PATH

work=$(mktemp -d)
fake_pid=""
cleanup() {
  [ -n "$fake_pid" ] && kill "$fake_pid" 2>/dev/null && wait "$fake_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

go build -o "$work/proxycheck" ./cmd/proxycheck
go build -o "$work/fakeserve" ./probe/proxytest/fakeserve
mkfifo "$work/hold"
"$work/fakeserve" --dir "$work" <"$work/hold" >"$work/addrs" &
fake_pid=$!
exec 3>"$work/hold" # keeps fakeserve's stdin open until the script ends
for _ in $(seq 50); do grep -q READY=1 "$work/addrs" 2>/dev/null && break; sleep 0.1; done
# shellcheck disable=SC1090
source <(grep = "$work/addrs")

port() { echo "${1##*:}"; }
ms() { date +%s%3N; }
rows=()
pc_json=""
run_pc() { # run_pc ARGS... ; sets pc_json and pc_ms
  local t0; t0=$(ms)
  pc_json=$("$work/proxycheck" -o json --no-wpad --timeout 2s --captive-url none --weak-url none "$@" || true)
  pc_ms=$(( $(ms) - t0 ))
}
field() { # field ID EXPR: a python expression over result r
  python3 -c '
import json, sys
rep = json.loads(sys.argv[1])
r = next(x for x in rep["results"] if x["id"] == sys.argv[2])
d = r.get("detail") or {}
print(eval(sys.argv[3]))' "$pc_json" "$1" "$2"
}
timed() { # timed OUTFILE CMD...: runs CMD, stdout+stderr to OUTFILE, sets t_ms
  local t0; t0=$(ms)
  "${@:2}" >"$1" 2>&1 || true
  t_ms=$(( $(ms) - t0 ))
}
row() { rows+=("$(printf '%-34s | %-40s | %-44s | %-5s | %5s ms | %5s ms' "$@")"); }
agree() { if [ "$1" = "$2" ]; then echo yes; else echo NO; fi; }

direct_refused=(--connect-to "zoom.us:443:127.0.0.1:$(port "$REFUSED")" --connect-to "zoom.us:8801:127.0.0.1:$(port "$REFUSED")")

# 1. An explicit proxy that allows CONNECT only to 443.
run_pc --checks proxy -p 443,8801 --proxy "$PROXY_443_ONLY" "${direct_refused[@]}" zoom.us
pc443=$(field proxy/zoom.us:443 'r["observed"]')
pc8801=$(field proxy/zoom.us:8801 'r["observed"] + " " + str(d.get("status"))')
timed "$work/c1" curl -sv --max-time 3 -x "http://$PROXY_443_ONLY" --cacert "$work/genuine.pem" https://zoom.us/
c443=$(grep -q '< HTTP/1.1 200 OK' "$work/c1" && grep -q 'CONNECT tunnel established\|Connection established' "$work/c1" && echo via_proxy || echo other)
row "proxy allows 443: zoom.us:443" "$pc443" "curl: tunnel 200, TLS ok -> $c443" "$(agree "$pc443" "$c443")" "$pc_ms" "$t_ms"
timed "$work/c2" curl -sv --max-time 3 -x "http://$PROXY_443_ONLY" https://zoom.us:8801/
c8801="proxy_denied $(sed -n 's/^< HTTP\/1.1 \([0-9]*\).*/\1/p' "$work/c2" | head -1)"
row "proxy allows 443: zoom.us:8801" "$pc8801" "curl: CONNECT answer -> $c8801" "$(agree "$pc8801" "$c8801")" "$pc_ms" "$t_ms"

# 2. A proxy that demands authentication.
run_pc --checks proxy -p 443 --proxy "$PROXY_AUTH" "${direct_refused[@]}" zoom.us
pcauth=$(field proxy/zoom.us:443 '",".join(d.get("auth_schemes") or [])')
timed "$work/c3" curl -sv --max-time 3 -x "http://$PROXY_AUTH" https://zoom.us/
cauth=$(sed -n 's/^< Proxy-Authenticate: \([A-Za-z]*\).*/\1/p' "$work/c3" | tr -d '\r' | paste -sd,)
row "proxy wants auth: schemes" "$(field proxy/zoom.us:443 'r["observed"]') $pcauth" "curl: 407, Proxy-Authenticate $cauth" "$(agree "$pcauth" "$cauth")" "$pc_ms" "$t_ms"

# 3. A proxy that intercepts TLS: issuer per proxycheck, curl, openssl.
run_pc --checks tls --proxy "$PROXY_INTERCEPT" --ca "$work/genuine.pem" "${direct_refused[@]}" zoom.us
pciss=$(field tls/zoom.us:443 'r["observed"] + " " + d["issuer"]')
timed "$work/c4" curl -sv --max-time 3 -x "http://$PROXY_INTERCEPT" --cacert "$work/genuine.pem" https://zoom.us/
ccurl=$(grep -q 'SSL certificate problem' "$work/c4" && echo "rejected: $(grep -o 'SSL certificate problem: [^*]*' "$work/c4" | head -1 | tr -d '\r')" || echo accepted)
row "intercepting proxy: curl verdict" "$(field tls/zoom.us:443 'r["observed"]')" "curl --cacert genuine: $ccurl" "$(case $ccurl in rejected*) agree "$(field tls/zoom.us:443 'r["observed"]')" intercepted;; *) echo NO;; esac)" "$pc_ms" "$t_ms"
timed "$work/o1" bash -c "openssl s_client -proxy '$PROXY_INTERCEPT' -connect zoom.us:443 -servername zoom.us </dev/null"
oiss=$(sed -n 's/^issuer=//p' "$work/o1" | head -1 | sed 's/ = /=/g')
pciss_norm=$(echo "$pciss" | sed 's/^intercepted //' | python3 -c 'import sys; print(",".join(sorted(p.strip() for p in sys.stdin.read().strip().split(","))))')
oiss_norm=$(echo "$oiss" | python3 -c 'import sys; print(",".join(sorted(p.strip() for p in sys.stdin.read().strip().split(","))))')
row "intercepting proxy: issuer" "$pciss" "openssl: issuer=$oiss" "$(agree "$pciss_norm" "$oiss_norm")" "$pc_ms" "$t_ms"

# 4. A transparent TLS interceptor on the direct path, and the genuine origin.
run_pc --checks tls --ca "$work/genuine.pem" --connect-to "zoom.us:443:127.0.0.1:$(port "$INSPECT_TLS")" zoom.us
pcvend=$(field tls/zoom.us:443 'r["observed"] + " vendor=" + str(d.get("vendor"))')
timed "$work/o2" bash -c "openssl s_client -connect '$INSPECT_TLS' -servername zoom.us -CAfile '$work/genuine.pem' </dev/null"
overify=$(sed -n 's/^Verify return code: \([0-9]*\).*/\1/p' "$work/o2" | head -1)
row "transparent TLS interception" "$pcvend" "openssl: verify code $overify, $(sed -n 's/^issuer=//p' "$work/o2" | head -1)" "$(if [ "$overify" != 0 ]; then agree "$(field tls/zoom.us:443 'r["observed"]')" intercepted; else echo NO; fi)" "$pc_ms" "$t_ms"
run_pc --checks tls --ca "$work/genuine.pem" --connect-to "zoom.us:443:127.0.0.1:$(port "$ORIGIN_TLS")" zoom.us
timed "$work/o3" bash -c "openssl s_client -connect '$ORIGIN_TLS' -servername zoom.us -verify_hostname zoom.us -CAfile '$work/genuine.pem' </dev/null"
overify=$(sed -n 's/^Verify return code: \([0-9]*\).*/\1/p' "$work/o3" | head -1)
row "genuine origin" "$(field tls/zoom.us:443 'r["observed"]')" "openssl: verify code $overify (0 = ok)" "$(if [ "$overify" = 0 ]; then agree "$(field tls/zoom.us:443 'r["observed"]')" genuine; else echo NO; fi)" "$pc_ms" "$t_ms"

# 5. A transparent HTTP proxy in front of the responder.
run_pc --checks http --echo http://echo.lab.test:8080/ --connect-to "echo.lab.test:8080:127.0.0.1:$(port "$TRANSPARENT")"
pcadd=$(field http/http://echo.lab.test:8080/ 'r["observed"] + " added=" + ",".join(d["added_headers"])')
timed "$work/c5" curl -sv --max-time 3 --connect-to "echo.lab.test:8080:127.0.0.1:$(port "$TRANSPARENT")" http://echo.lab.test:8080/
cvia=$(grep -i '^< Via:' "$work/c5" | head -1 | tr -d '\r')
cadded=$(grep -E '^(Via|X-Forwarded-For):' "$work/c5" | cut -d: -f1 | paste -sd,)
row "transparent HTTP proxy" "$pcadd" "curl: ${cvia:-no Via}; echo shows $cadded" "$(agree "${pcadd#modified added=}" "$cadded")" "$pc_ms" "$t_ms"

# 6. Captive portal and its absence.
run_pc --checks captive --captive-url http://captive.lab.test/generate_204 --connect-to "captive.lab.test:80:127.0.0.1:$(port "$PORTAL")"
pccap=$(field captive/http://captive.lab.test/generate_204 'r["observed"] + " " + str(d.get("status"))')
timed "$work/c6" curl -s -o /dev/null -w '%{http_code}' --max-time 3 --connect-to "captive.lab.test:80:127.0.0.1:$(port "$PORTAL")" http://captive.lab.test/generate_204
row "captive portal" "$pccap" "curl: status $(cat "$work/c6")" "$(agree "$pccap" "portal $(cat "$work/c6")")" "$pc_ms" "$t_ms"
run_pc --checks captive --captive-url http://captive.lab.test/generate_204 --connect-to "captive.lab.test:80:127.0.0.1:$(port "$NO_PORTAL")"
pccap=$(field captive/http://captive.lab.test/generate_204 'r["observed"] + " " + str(d.get("status"))')
timed "$work/c7" curl -s -o /dev/null -w '%{http_code}' --max-time 3 --connect-to "captive.lab.test:80:127.0.0.1:$(port "$NO_PORTAL")" http://captive.lab.test/generate_204
row "no captive portal" "$pccap" "curl: status $(cat "$work/c7")" "$(agree "$pccap" "none $(cat "$work/c7")")" "$pc_ms" "$t_ms"

printf '%-34s | %-40s | %-44s | %-5s | %8s | %8s\n' scenario proxycheck "curl / openssl" agree proxychk curl/ossl
printf '%s\n' "${rows[@]}"
total=${#rows[@]}
ok=$(printf '%s\n' "${rows[@]}" | awk -F'|' '$4 ~ /yes/' | wc -l)
echo "agreement: $ok/$total"
[ "$ok" = "$total" ]
