package proxyprobe

import "strconv"

// pacHarden runs before the PAC's own code. goja cannot interrupt a
// built-in while it runs, so the built-ins that build a large value in one
// call are replaced: repeat, padStart and padEnd refuse results over
// pacMaxString characters; Array.from refuses more than pacMaxString
// elements; join and fill become JavaScript loops the watchdog can
// interrupt; binary buffers, which a PAC never needs, are removed. A
// refusal throws a RangeError, which fails the PAC as pac_invalid.
var pacHarden = `(function(){
var MAX = ` + strconv.Itoa(pacMaxString) + `;
var sp = String.prototype, ap = Array.prototype, g = this;
var repeat = sp.repeat, padStart = sp.padStart, padEnd = sp.padEnd, from = Array.from;
function def(o, n, f) { Object.defineProperty(o, n, {value: f, writable: true, configurable: true}); }
function cap(n, what) { if (!(n <= MAX)) { throw new RangeError(what + ": result over the PAC limit"); } }
def(sp, "repeat", function(n) { cap(String(this).length * Math.max(0, Number(n) || 0), "repeat"); return repeat.call(this, n); });
def(sp, "padStart", function(n, s) { cap(Number(n) || 0, "padStart"); return padStart.call(this, n, s); });
def(sp, "padEnd", function(n, s) { cap(Number(n) || 0, "padEnd"); return padEnd.call(this, n, s); });
def(Array, "from", function(a) { if (a != null) { cap(Number(a.length) || 0, "Array.from"); } return from.apply(Array, arguments); });
def(ap, "join", function(sep) {
	var o = Object(this), l = o.length >>> 0, s = "", i;
	sep = sep === undefined ? "," : String(sep);
	for (i = 0; i < l; i++) {
		if (i > 0) { s += sep; }
		if (o[i] !== undefined && o[i] !== null) { s += String(o[i]); }
	}
	return s;
});
def(ap, "fill", function(v, start, end) {
	var o = Object(this), l = o.length >>> 0, k, e;
	k = start === undefined ? 0 : Math.trunc(Number(start)) || 0;
	k = k < 0 ? Math.max(l + k, 0) : Math.min(k, l);
	e = end === undefined ? l : Math.trunc(Number(end)) || 0;
	e = e < 0 ? Math.max(l + e, 0) : Math.min(e, l);
	for (; k < e; k++) { o[k] = v; }
	return o;
});
["ArrayBuffer", "SharedArrayBuffer", "DataView", "Int8Array", "Uint8Array", "Uint8ClampedArray", "Int16Array",
 "Uint16Array", "Int32Array", "Uint32Array", "Float32Array", "Float64Array", "BigInt64Array", "BigUint64Array"].forEach(function(n) { delete g[n]; });
})();
`
