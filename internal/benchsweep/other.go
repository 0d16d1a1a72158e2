//go:build !linux

// Command benchsweep needs Linux network namespaces; elsewhere it says so.
package main

import "fmt"

func main() { fmt.Println("benchsweep: skipped: the namespace lab needs Linux") }
