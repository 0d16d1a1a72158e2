//go:build !linux

// Command benchexporter needs Linux network namespaces; elsewhere it says so.
package main

import "fmt"

func main() { fmt.Println("benchexporter: skipped: the namespace lab needs Linux") }
