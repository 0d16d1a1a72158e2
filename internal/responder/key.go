package responder

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"strings"
)

// MaxKeyFile bounds a key file.
const MaxKeyFile = 4 << 10

// ReadKeyFile reads a mediacheck HMAC key: the first line of path,
// trimmed; an empty key or an unreadable file is an error. mediacheck and
// the responder share it, so the key need not be on a command line.
func ReadKeyFile(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", fmt.Errorf("--key-file: %v", err)
	}
	defer f.Close()
	line, err := bufio.NewReader(io.LimitReader(f, MaxKeyFile)).ReadString('\n')
	if err != nil && err != io.EOF {
		return "", fmt.Errorf("--key-file %s: %v", path, err)
	}
	if !strings.HasSuffix(line, "\n") && len(line) >= MaxKeyFile {
		return "", fmt.Errorf("--key-file %s: the first line is longer than %d bytes", path, MaxKeyFile)
	}
	key := strings.TrimSpace(line)
	if key == "" {
		return "", fmt.Errorf("--key-file %s: no key on its first line (at most %d bytes are read)", path, MaxKeyFile)
	}
	return key, nil
}
