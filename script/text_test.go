package script_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/svcsim/svcsim/script"
)

// The text tools a lab pipes kubectl's output through behave as GNU
// coreutils and grep do, for the options the simulation has.
func TestTextCommands(t *testing.T) {
	tests := []struct {
		src, out string
	}{
		{"printf 'blue-a 1\\ngreen-b 2\\nblue-c 3\\n' | cut -d- -f1 | sort | uniq -c", "      2 blue\n      1 green\n"},
		{"printf 'a It works! b Welcome to nginx! It works!\\n' | grep -o -e 'Welcome to nginx!' -e 'It works!'", "It works!\nWelcome to nginx!\nIt works!\n"},
		{"printf 'x1\\ny2\\nx3\\n' | grep -on 'x[0-9]'", "1:x1\n3:x3\n"},
		{"printf 'x1\\ny2\\n' | grep -ov x", ""},
		{"printf 'A\\nb\\na\\n' | grep -ic a", "2\n"},
		{"printf 'a\\nb\\na\\n' | grep -v a", "b\n"},
		{"seq 3 | sort -r | head -n 2", "3\n2\n"},
		{"seq 5 | tail -n 2 | wc -l", "2\n"},
		{"echo a:b:c | cut -d: -f2", "b\n"},
		{"echo hello | tr a-z A-Z", "HELLO\n"},
	}
	for _, tt := range tests {
		t.Run(tt.src, func(t *testing.T) {
			out, errOut, err := newFake().run(t, tt.src+"\n", script.Options{})
			if err != nil {
				t.Fatalf("%v: %s", err, errOut)
			}
			assert.Equal(t, tt.out, out)
		})
	}
}
