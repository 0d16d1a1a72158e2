// Command roompath is the umbrella: triage (the whole decision path for one
// room), status (Zoom's service status), run (a profile of rooms and
// expectations), diff (what changed between two reports), serve (a
// Prometheus exporter), responder (the echo helper peers test against), and
// the focused tools as port, path, dns and proxy.
package main

import (
	"fmt"
	"io"
	"os"
	"sort"
	"strings"

	"github.com/roompath/roompath/internal/cli"
	"github.com/roompath/roompath/internal/version"
	"github.com/roompath/roompath/report"
)

// command is one subcommand: a one-line summary and its entry point.
type command struct {
	summary string
	main    func(args []string, stdout, stderr io.Writer) int
}

// tool adapts a cli.Tool constructor to a subcommand entry point.
func tool(mk func() cli.Tool) func([]string, io.Writer, io.Writer) int {
	return func(args []string, stdout, stderr io.Writer) int { return cli.Execute(mk(), args, stdout, stderr) }
}

func main() {
	os.Exit(dispatch(os.Args[1:], os.Stdout, os.Stderr))
}

func dispatch(args []string, stdout, stderr io.Writer) int {
	cmds := commands()
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		usage(stdout, cmds)
		return report.ExitOK
	}
	if args[0] == "version" || args[0] == "--version" {
		fmt.Fprintln(stdout, "roompath", version.Version)
		return report.ExitOK
	}
	c, ok := cmds[args[0]]
	if !ok {
		fmt.Fprintf(stderr, "roompath: unknown command %q (want one of %s; see roompath --help)\n", args[0], strings.Join(names(cmds), ", "))
		return report.ExitUsage
	}
	return c.main(args[1:], stdout, stderr)
}

func names(cmds map[string]command) []string {
	out := make([]string, 0, len(cmds))
	for n := range cmds {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

func usage(w io.Writer, cmds map[string]command) {
	fmt.Fprintf(w, "roompath %s: prove where the path between a Zoom Rooms controller and its room, or the Zoom cloud, breaks.\n\nUsage: roompath COMMAND [flags]\n\nCommands:\n", version.Version)
	for _, n := range names(cmds) {
		fmt.Fprintf(w, "  %-10s %s\n", n, cmds[n].summary)
	}
	fmt.Fprint(w, "\nroompath COMMAND --help describes each command's flags.\nExit codes: 0 nothing failed, 1 a check failed, 2 bad input, 3 could not run, 130 interrupted.\n")
}
