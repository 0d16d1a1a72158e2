package status

import (
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/roompath/roompath/probe/vocab"
)

// Hint says in a sentence or two what a read summary means for someone
// troubleshooting a room; "" when all is operational.
func Hint(v Verdict, s *Summary) string {
	what, since, follow := cause(v, s)
	switch v.Observed {
	case vocab.StateOutage:
		return fmt.Sprintf("Zoom reports a major outage%s%s: not your network; wait or follow the incident%s.", what, since, follow)
	case vocab.StateDegraded:
		return fmt.Sprintf("Zoom reports degraded service%s%s: failures now may be Zoom's rather than your network's; follow the incident%s and test again once it is resolved.", what, since, follow)
	case vocab.StateMaintenance:
		if follow != "" {
			follow = " (details" + follow + ")"
		}
		return fmt.Sprintf("Zoom has maintenance in progress%s%s: rooms may disconnect or fail to join until it ends; not your network%s.", what, since, follow)
	}
	return ""
}

// cause renders what decided the verdict: " of NAME", " since TIME" and
// " at LINK", each empty when unknown.
func cause(v Verdict, s *Summary) (what, since, follow string) {
	follow = link(s.Page.URL)
	switch c := v.Cause.(type) {
	case Component:
		return of(" of ", c.Name, c.Status), at(c.UpdatedAt, " since "), follow
	case Incident:
		names := strings.Join(componentNames(c.Components), ", ")
		return of(" of ", names, "") + quoted(c.Name), at(firstNonEmpty(c.StartedAt, c.CreatedAt), " since "), firstNonEmpty(link(c.Shortlink), follow)
	case Maintenance:
		names := strings.Join(componentNames(c.Components), ", ")
		return of(" on ", names, "") + quoted(c.Name), at(c.ScheduledUntil, " until "), firstNonEmpty(link(c.Shortlink), follow)
	}
	return quoted(s.Status.Description), "", follow
}

// of renders " of NAME (STATUS)" with the given preposition.
func of(prep, name, status string) string {
	switch {
	case name == "":
		return ""
	case status != "":
		return prep + name + " (" + strings.ReplaceAll(status, "_", " ") + ")"
	}
	return prep + name
}

func quoted(s string) string {
	if s == "" {
		return ""
	}
	return " (“" + s + "”)"
}

func link(u string) string {
	if u == "" {
		return ""
	}
	return " at " + u
}

// at renders a Statuspage timestamp in UTC to the minute, or as given when
// it does not parse.
func at(ts, prefix string) string {
	if ts == "" {
		return ""
	}
	if t, err := time.Parse(time.RFC3339Nano, ts); err == nil {
		ts = t.UTC().Format("2006-01-02 15:04 UTC")
	}
	return prefix + ts
}

// UnknownHint says why the page could not be read, and that this is itself
// a finding about the path from here rather than about Zoom.
func UnknownHint(rawURL string, failure vocab.Failure, op vocab.Operation, finalURL string) string {
	host := rawURL
	if u, err := url.Parse(rawURL); err == nil && u.Hostname() != "" {
		host = u.Hostname()
	}
	head := fmt.Sprintf("The Zoom status page could not be read from here (%s during %s), so Zoom's status is unknown; ", failure, op)
	return head + unknownAdvice(host, failure, finalURL)
}

func unknownAdvice(host string, failure vocab.Failure, finalURL string) string {
	switch {
	case strings.HasPrefix(string(failure), "dns_"):
		return fmt.Sprintf("%s does not resolve here, which breaks rooms too: run dnscheck %s.", host, host)
	case strings.HasPrefix(string(failure), "ssl_"):
		return "its certificate was not trusted, which suggests a TLS-intercepting proxy in the path: run proxycheck."
	case failure == vocab.FailureStatusNotJSON || failure == vocab.FailureStatusNotStatuspage || failure == vocab.FailureStatusHTTP:
		return fmt.Sprintf("something else answered in its place%s: a captive portal, a proxy's block page or a moved page; open it in a browser from this network.", redirected(finalURL))
	case failure == vocab.FailureAddrNotAllowed:
		return "a connection it needed (a redirect's host, or an address a name resolved to) lies outside the exporter's allowlist and was not made; allow that host or network if it is yours."
	case failure == vocab.FailureLocalResources:
		return "this host ran out of sockets or file descriptors, which says nothing about the network: lower the load on the prober and try again."
	case failure == vocab.FailureHTTPInvalidResponse || failure == vocab.FailureHTTPHeadTooLarge:
		return "what answered does not speak HTTP properly (a middlebox, a proxy or another service on that port): run proxycheck."
	case failure == vocab.FailureStatusBodyTooLarge || failure == vocab.FailureStatusTooManyRedirects:
		return fmt.Sprintf("the answer was not a status summary%s: a proxy or portal may be rewriting it; open it in a browser from this network.", redirected(finalURL))
	case failure == vocab.FailureTimeout, failure == vocab.FailureConnectionRefused, failure == vocab.FailureConnectionReset,
		failure == vocab.FailureHostUnreachable, failure == vocab.FailureNetworkUnreachable:
		return fmt.Sprintf("HTTPS to %s is blocked or needs a proxy from this network, which would stop rooms too: run proxycheck and portcheck -p 443 %s; check the status from another network meanwhile.", host, host)
	}
	return "check HTTPS to the Zoom cloud from this network (proxycheck) and the status from another network meanwhile."
}

func redirected(finalURL string) string {
	if finalURL == "" {
		return ""
	}
	return ", redirected to " + finalURL
}
