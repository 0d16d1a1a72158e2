// Command pathcheck shows how this host reaches a room and where the path
// toward its TCP 9090 dies: the route, the interface and its kind, on-link
// or routed, neighbour and gateway state, path MTU, and a TCP trace hop by
// hop. See pathcheck --help.
package main

import (
	"github.com/roompath/roompath/cmd/pathcheck/pathcmd"
	"github.com/roompath/roompath/internal/cli"
)

func main() { cli.Main(pathcmd.Tool()) }
