package script

import (
	"bytes"
	"context"
	"errors"
	"io"
	"io/fs"
	"os"
	"path"
	"slices"
	"strings"
	"sync"
	"syscall"
	"time"

	"mvdan.cc/sh/v3/interp"
)

// Home is the directory a script starts in and $HOME: [Env.Files] appears
// there, read-only, under whatever the script writes.
const Home = "/home/svcsim"

// MaxFileBytes is how much a run may keep in its in-memory files in all;
// a write beyond it fails with "No space left on device", so a runaway
// loop cannot eat the host's memory.
const MaxFileBytes = 64 << 20

// memFS is a run's file system: files and directories the script made,
// in memory, over the read-only [Env.Files] mounted at [Home]. Nothing in
// it reaches the host. It is safe for concurrent use, as the stages of a
// pipeline run concurrently.
type memFS struct {
	mu    sync.Mutex
	files map[string][]byte // by absolute, clean path
	dirs  map[string]bool
	gone  map[string]bool // base files the script removed
	size  int
	base  fs.FS // may be nil
}

func newMemFS(base fs.FS) *memFS {
	m := &memFS{files: map[string][]byte{}, dirs: map[string]bool{}, gone: map[string]bool{}, base: base}
	for _, d := range []string{"/", "/home", Home, "/tmp", "/dev"} {
		m.dirs[d] = true
	}
	return m
}

// abs resolves p against dir as the shell does, without touching anything.
func abs(dir, p string) string {
	if !path.IsAbs(p) {
		p = path.Join(dir, p)
	}
	return path.Clean(p)
}

// baseName maps an absolute path to its name in the base file system, if
// it is under [Home].
func (m *memFS) baseName(p string) (string, bool) {
	if m.base == nil || m.gone[p] {
		return "", false
	}
	if p == Home {
		return ".", true
	}
	rel, ok := strings.CutPrefix(p, Home+"/")
	if !ok || !fs.ValidPath(rel) {
		return "", false
	}
	return rel, true
}

// kind says what p is: 0 nothing, 1 file, 2 directory, 3 a device.
func (m *memFS) kind(p string) int {
	switch {
	case p == "/dev/null" || p == "/dev/stdin" || p == "/dev/stdout" || p == "/dev/stderr":
		return 3
	case m.dirs[p]:
		return 2
	}
	if _, ok := m.files[p]; ok {
		return 1
	}
	if name, ok := m.baseName(p); ok {
		if fi, err := fs.Stat(m.base, name); err == nil {
			if fi.IsDir() {
				return 2
			}
			if fi.Mode().IsRegular() {
				return 1
			}
		}
	}
	return 0
}

// exists reports whether anything is at p.
func (m *memFS) exists(p string) bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.kind(p) != 0
}

// read returns the contents of the file at p.
func (m *memFS) read(p string) ([]byte, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.readLocked(p)
}

func (m *memFS) readLocked(p string) ([]byte, error) {
	switch m.kind(p) {
	case 0:
		return nil, syscall.ENOENT
	case 2:
		return nil, syscall.EISDIR
	case 3:
		return nil, nil
	}
	if b, ok := m.files[p]; ok {
		return slices.Clone(b), nil
	}
	name, _ := m.baseName(p)
	return fs.ReadFile(m.base, name)
}

// list returns the names in directory p, sorted.
func (m *memFS) list(p string) ([]fs.DirEntry, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	switch m.kind(p) {
	case 0:
		return nil, syscall.ENOENT
	case 1, 3:
		return nil, syscall.ENOTDIR
	}
	seen := map[string]fs.DirEntry{}
	add := func(child string, dir bool) {
		if rest, ok := strings.CutPrefix(child, strings.TrimSuffix(p, "/")+"/"); ok && rest != "" && !strings.Contains(rest, "/") {
			seen[rest] = entry{name: rest, dir: dir, size: len(m.files[child])}
		}
	}
	for f := range m.files {
		add(f, false)
	}
	for d := range m.dirs {
		add(d, true)
	}
	if p == "/dev" {
		for _, d := range []string{"null", "stdin", "stdout", "stderr"} {
			seen[d] = entry{name: d, dev: true}
		}
	}
	if name, ok := m.baseName(p); ok {
		des, _ := fs.ReadDir(m.base, name)
		for _, de := range des {
			child := path.Join(p, de.Name())
			if _, ok := seen[de.Name()]; ok || m.gone[child] {
				continue
			}
			if de.IsDir() || de.Type().IsRegular() {
				seen[de.Name()] = de
			}
		}
	}
	out := make([]fs.DirEntry, 0, len(seen))
	for _, de := range seen {
		out = append(out, de)
	}
	slices.SortFunc(out, func(a, b fs.DirEntry) int { return strings.Compare(a.Name(), b.Name()) })
	return out, nil
}

// write replaces (or, with appending, extends) the file at p.
func (m *memFS) write(p string, data []byte, appending bool) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	switch m.kind(path.Dir(p)) {
	case 0:
		return syscall.ENOENT
	case 1, 3:
		return syscall.ENOTDIR
	}
	switch m.kind(p) {
	case 2:
		return syscall.EISDIR
	case 3:
		return nil
	}
	var old []byte
	if appending {
		old, _ = m.readLocked(p)
	}
	next := len(old) + len(data)
	if m.size-len(m.files[p])+next > MaxFileBytes {
		return syscall.ENOSPC
	}
	m.size += next - len(m.files[p])
	m.files[p] = append(old, data...)
	delete(m.gone, p)
	return nil
}

// mkdir makes directory p; with parents, its missing parents too, and an
// existing directory is no error.
func (m *memFS) mkdir(p string, parents bool) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	switch m.kind(p) {
	case 2:
		if parents {
			return nil
		}
		return syscall.EEXIST
	case 1, 3:
		return syscall.EEXIST
	}
	if m.kind(path.Dir(p)) != 2 {
		if !parents || m.kind(path.Dir(p)) != 0 {
			return syscall.ENOENT
		}
		m.mu.Unlock()
		err := m.mkdir(path.Dir(p), true)
		m.mu.Lock()
		if err != nil {
			return err
		}
	}
	m.dirs[p] = true
	delete(m.gone, p)
	return nil
}

// remove deletes the file (or, with recursive, the tree) at p.
func (m *memFS) remove(p string, recursive bool) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	switch m.kind(p) {
	case 0:
		return syscall.ENOENT
	case 3:
		return syscall.EPERM
	case 2:
		if !recursive {
			return syscall.EISDIR
		}
		if p == "/" || p == Home || m.dirs[p] && (p == "/home" || p == "/tmp" || p == "/dev") {
			return syscall.EBUSY
		}
		prefix := p + "/"
		for f := range m.files {
			if strings.HasPrefix(f, prefix) {
				m.size -= len(m.files[f])
				delete(m.files, f)
			}
		}
		for d := range m.dirs {
			if d == p || strings.HasPrefix(d, prefix) {
				delete(m.dirs, d)
			}
		}
	default:
		m.size -= len(m.files[p])
		delete(m.files, p)
	}
	if _, ok := m.baseName(p); ok {
		m.gone[p] = true
	}
	return nil
}

// entry is a directory entry and file info of the in-memory file system.
type entry struct {
	name string
	dir  bool
	dev  bool
	size int
}

func (e entry) Name() string               { return e.name }
func (e entry) IsDir() bool                { return e.dir }
func (e entry) Type() fs.FileMode          { return e.Mode().Type() }
func (e entry) Info() (fs.FileInfo, error) { return e, nil }
func (e entry) Size() int64                { return int64(e.size) }
func (e entry) ModTime() time.Time         { return time.Time{} }
func (e entry) Sys() any                   { return nil }
func (e entry) Mode() fs.FileMode {
	switch {
	case e.dir:
		return fs.ModeDir | 0o755
	case e.dev:
		return fs.ModeDevice | fs.ModeCharDevice | 0o666
	}
	return 0o644
}

func (m *memFS) stat(p string) (fs.FileInfo, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	switch m.kind(p) {
	case 0:
		return nil, syscall.ENOENT
	case 2:
		return entry{name: path.Base(p), dir: true}, nil
	case 3:
		return entry{name: path.Base(p), dev: true}, nil
	}
	b, _ := m.readLocked(p)
	return entry{name: path.Base(p), size: len(b)}, nil
}

// Open implements [fs.FS] over the whole tree, rooted at "/": the name
// "home/svcsim/a.yaml" is the file /home/svcsim/a.yaml.
func (m *memFS) Open(name string) (fs.File, error) {
	if !fs.ValidPath(name) {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrInvalid}
	}
	p := path.Join("/", name)
	fi, err := m.stat(p)
	if err != nil {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
	}
	if fi.IsDir() {
		des, err := m.list(p)
		if err != nil {
			return nil, &fs.PathError{Op: "open", Path: name, Err: err}
		}
		return &dirFile{info: fi, entries: des}, nil
	}
	b, err := m.read(p)
	if err != nil {
		return nil, &fs.PathError{Op: "open", Path: name, Err: err}
	}
	return &file{info: fi, Reader: bytes.NewReader(b)}, nil
}

var _ fs.FS = (*memFS)(nil)

type file struct {
	info fs.FileInfo
	*bytes.Reader
}

func (f *file) Stat() (fs.FileInfo, error) { return f.info, nil }
func (f *file) Close() error               { return nil }

type dirFile struct {
	info    fs.FileInfo
	entries []fs.DirEntry
	off     int
}

func (d *dirFile) Stat() (fs.FileInfo, error) { return d.info, nil }
func (d *dirFile) Close() error               { return nil }
func (d *dirFile) Read([]byte) (int, error) {
	return 0, &fs.PathError{Op: "read", Path: d.info.Name(), Err: syscall.EISDIR}
}

func (d *dirFile) ReadDir(n int) ([]fs.DirEntry, error) {
	rest := d.entries[d.off:]
	if n <= 0 {
		d.off = len(d.entries)
		return rest, nil
	}
	if len(rest) == 0 {
		return nil, io.EOF
	}
	rest = rest[:min(n, len(rest))]
	d.off += len(rest)
	return rest, nil
}

// The interpreter's handlers: every file the shell itself opens, stats or
// lists goes through these, so redirections and globs stay in memory.

func (m *memFS) openHandler(ctx context.Context, name string, flag int, _ os.FileMode) (io.ReadWriteCloser, error) {
	hc := interp.HandlerCtx(ctx)
	p := abs(hc.Dir, name)
	perr := func(err error) error { return &os.PathError{Op: "open", Path: name, Err: err} }
	switch p {
	case "/dev/null":
		return devNull{}, nil
	case "/dev/stdout":
		return writeOnly{hc.Stdout}, nil
	case "/dev/stderr":
		return writeOnly{hc.Stderr}, nil
	case "/dev/stdin":
		return readOnly{stdinOf(hc)}, nil
	}
	if flag&(os.O_WRONLY|os.O_RDWR) == 0 {
		b, err := m.read(p)
		if err != nil {
			return nil, perr(err)
		}
		return readOnly{bytes.NewReader(b)}, nil
	}
	if flag&os.O_EXCL != 0 && m.exists(p) {
		return nil, perr(syscall.EEXIST)
	}
	// Create (or truncate) now, as the shell does before the command runs.
	if err := m.write(p, nil, flag&os.O_TRUNC == 0); err != nil {
		return nil, perr(err)
	}
	return &fileWriter{m: m, p: p}, nil
}

func (m *memFS) statHandler(ctx context.Context, name string, _ bool) (fs.FileInfo, error) {
	fi, err := m.stat(abs(interp.HandlerCtx(ctx).Dir, name))
	if err != nil {
		return nil, &os.PathError{Op: "stat", Path: name, Err: err}
	}
	return fi, nil
}

func (m *memFS) readDirHandler(ctx context.Context, name string) ([]fs.DirEntry, error) {
	des, err := m.list(abs(interp.HandlerCtx(ctx).Dir, name))
	if err != nil {
		return nil, &os.PathError{Op: "readdirent", Path: name, Err: err}
	}
	return des, nil
}

// accessHandler grants read and write on everything that exists, and
// execute on directories only: nothing in the simulation is a program.
func (m *memFS) accessHandler(ctx context.Context, name string, mode interp.AccessMode) error {
	fi, err := m.stat(abs(interp.HandlerCtx(ctx).Dir, name))
	if err != nil {
		return &os.PathError{Op: "access", Path: name, Err: err}
	}
	if mode&interp.AccessExec != 0 && !fi.IsDir() {
		return &os.PathError{Op: "access", Path: name, Err: syscall.EACCES}
	}
	return nil
}

type fileWriter struct {
	m *memFS
	p string
}

func (w *fileWriter) Read([]byte) (int, error) { return 0, syscall.EBADF }
func (w *fileWriter) Close() error             { return nil }
func (w *fileWriter) Write(b []byte) (int, error) {
	if err := w.m.write(w.p, b, true); err != nil {
		return 0, &os.PathError{Op: "write", Path: w.p, Err: err}
	}
	return len(b), nil
}

type devNull struct{}

func (devNull) Read([]byte) (int, error)    { return 0, io.EOF }
func (devNull) Write(b []byte) (int, error) { return len(b), nil }
func (devNull) Close() error                { return nil }

type readOnly struct{ io.Reader }

func (readOnly) Write([]byte) (int, error) { return 0, syscall.EBADF }
func (readOnly) Close() error              { return nil }

type writeOnly struct{ io.Writer }

func (writeOnly) Read([]byte) (int, error) { return 0, syscall.EBADF }
func (writeOnly) Close() error             { return nil }

// stdinOf is a command's standard input, never nil: a run's own input is
// empty, and the interpreter hands a nil *os.File for it.
func stdinOf(hc interp.HandlerContext) io.Reader {
	if hc.Stdin == nil {
		return strings.NewReader("")
	}
	if f, ok := hc.Stdin.(*os.File); ok && f == nil {
		return strings.NewReader("")
	}
	return hc.Stdin
}

// errText is an errno as coreutils print it.
func errText(err error) string {
	var pe *os.PathError
	if errors.As(err, &pe) {
		err = pe.Err
	}
	var fe *fs.PathError
	if errors.As(err, &fe) {
		err = fe.Err
	}
	switch {
	case errors.Is(err, syscall.ENOENT), errors.Is(err, fs.ErrNotExist):
		return "No such file or directory"
	case errors.Is(err, syscall.EISDIR):
		return "Is a directory"
	case errors.Is(err, syscall.ENOTDIR):
		return "Not a directory"
	case errors.Is(err, syscall.EEXIST):
		return "File exists"
	case errors.Is(err, syscall.ENOSPC):
		return "No space left on device"
	case errors.Is(err, syscall.EPERM), errors.Is(err, syscall.EACCES):
		return "Permission denied"
	case errors.Is(err, syscall.EBUSY):
		return "Device or resource busy"
	}
	return err.Error()
}
