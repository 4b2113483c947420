//go:build !linux

package etcdtest

import "syscall"

// procAttr has nothing to add where the kernel cannot tie a child's life
// to its parent's: members are killed by Close only.
func procAttr() *syscall.SysProcAttr { return nil }
