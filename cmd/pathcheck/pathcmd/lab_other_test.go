//go:build !linux

package pathcmd

func closeLab() {}
