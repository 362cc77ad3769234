package kubectl

import (
	"fmt"
	"io"
)

// printable refuses what no printer can print, before anything is
// written: a nil writer, or a nil object among those to print. what names
// the printer for the error, "PrintPods".
func printable[T any](w io.Writer, what string, objs ...*T) error {
	if w == nil {
		return fmt.Errorf("%w: %s to a nil writer", ErrUsage, what)
	}
	for i, o := range objs {
		if o == nil {
			return fmt.Errorf("%w: %s: object %d of %d is nil", ErrUsage, what, i+1, len(objs))
		}
	}
	return nil
}
