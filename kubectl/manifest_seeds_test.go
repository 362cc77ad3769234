package kubectl_test

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/svcsim/svcsim/cluster"
	"github.com/svcsim/svcsim/kubectl"
)

// seedCase is one manifest copied from ../shared/seeds: either the object
// it holds, or the error it must get and the field that error must name.
type seedCase struct {
	file      string
	kind      cluster.Kind
	name      string
	err       error
	mentions  []string // what the message must say: the field, the line
	stopsRead bool
}

var seedCases = []seedCase{
	{file: "lab-svc.yaml", kind: cluster.KindService, name: "testweb"},
	{file: "lab-bigwebstuff-pod.yaml", kind: cluster.KindPod, name: "bigwebstuff"},
	{file: "lab-webd.yaml", kind: cluster.KindDeployment, name: "bigwebstuff"},
	{file: "lab-blue.yaml", kind: cluster.KindReplicaSet, name: "blue-rs"},
	{file: "lab-bgsvc.yaml", kind: cluster.KindService, name: "blue-green-svc"},
	{file: "lab-green.yaml", kind: cluster.KindReplicaSet, name: "green-rs"},
	// The book's manifests as its text prints them: the PDF lost their
	// indentation and filled the blank lines with non-breaking spaces.
	{file: "book-svc-as-printed.yml", err: kubectl.ErrSyntax, mentions: []string{"line 5", `"selector"`, "U+00A0"}},
	{file: "book-hello-deploy-as-printed.yml", err: kubectl.ErrSyntax, mentions: []string{"line 5", "U+00A0"}},
	{file: "book-web-deploy-as-printed.yml", err: kubectl.ErrSyntax, mentions: []string{"line 5", "U+00A0"}},
	{file: "book-nodeport-svc-as-printed.yml", err: kubectl.ErrSyntax, mentions: []string{"line 5", `"nodePort"`, "U+00A0"}},
	// ... and as the book means them, indentation put back.
	{file: "book-svc.yml", kind: cluster.KindService, name: "hello-svc"},
	{file: "book-hello-deploy.yml", kind: cluster.KindDeployment, name: "hello-deploy"},
	{file: "book-web-deploy.yml", kind: cluster.KindDeployment, name: "web-deploy"},
	{file: "book-nodeport-svc.yml", kind: cluster.KindService, name: "hello-svc"},
	// The article's fragments have levels left out (and non-breaking
	// spaces for indentation): the error names the fields.
	{file: "article-rolling-update.yaml", err: kubectl.ErrUnknownField, mentions: []string{`unknown field "\u00a0 name"`, `the field "name" (line 3) is indented under "kind: Deployment"`}},
	{file: "article-blue-green.yaml", err: kubectl.ErrUnknownField, mentions: []string{`unknown field "\u00a0 replicas"`, `the field "name" (line 3)`}},
}

// TestSeedManifests decodes every manifest of the seeds: the lab's and the
// book's apply as printed (the book's once its lost indentation is put
// back), and the broken ones get an error naming the field.
func TestSeedManifests(t *testing.T) {
	for _, tt := range seedCases {
		t.Run(tt.file, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join("testdata", "seeds", tt.file))
			require.NoError(t, err)
			docs, err := kubectl.Decode(tt.file, data)
			require.Len(t, docs, 1)
			if tt.err != nil {
				require.ErrorIs(t, err, tt.err)
				var me *kubectl.ManifestError
				require.ErrorAs(t, err, &me)
				assert.Equal(t, tt.file, me.Source)
				assert.Equal(t, 0, me.Index)
				for _, m := range tt.mentions {
					assert.Contains(t, err.Error(), m)
				}
				return
			}
			require.NoError(t, err)
			d := docs[0]
			require.NotNil(t, d.Object)
			assert.Equal(t, tt.kind, d.Object.Kind())
			assert.Equal(t, tt.name, d.Object.Meta().Name)

			// It applies as printed, and prints back to a manifest that
			// applies unchanged.
			s, err := cluster.New(cluster.Config{Seed: 1})
			require.NoError(t, err)
			k := kubectl.New(s, "")
			_, err = k.Apply(d.Object)
			require.NoError(t, err)
			require.NoError(t, s.Settle())
			stored, ok := s.Get(d.Object.Kind(), "default", tt.name)
			require.True(t, ok)
			for _, f := range []kubectl.Format{kubectl.FormatYAML, kubectl.FormatJSON} {
				var b bytes.Buffer
				require.NoError(t, kubectl.Encode(&b, f, stored))
				back, err := kubectl.DecodeObjects("out", b.Bytes())
				require.NoError(t, err, b.String())
				require.Len(t, back, 1)
				var said bytes.Buffer
				k.Out = &said
				_, err = k.Apply(back[0])
				require.NoError(t, err)
				assert.Equal(t, string(tt.kind), string(back[0].Kind()))
				assert.Contains(t, said.String(), "unchanged", "applying the printed %s", f)
				k.Out = nil
			}
		})
	}
}

// TestSeedFilesAreVerbatim: the copies hold the seeds' text byte for
// byte, so a change to a seed shows here.
func TestSeedFilesAreVerbatim(t *testing.T) {
	seeds := map[string]string{"lab": "lab-services.txt", "book": "book-chapter-services.txt", "article": "article-service-vs-deployment.txt"}
	for _, tt := range seedCases {
		if filepath.Ext(tt.file) == ".yml" && !bytes.Contains([]byte(tt.file), []byte("as-printed")) {
			continue // the book's, restored by hand
		}
		t.Run(tt.file, func(t *testing.T) {
			prefix, _, _ := bytes.Cut([]byte(tt.file), []byte("-"))
			// The seeds sit in ../shared beside the checkout (or beside
			// the directory of worktrees).
			var seed []byte
			err := os.ErrNotExist
			for _, up := range []string{"../..", "../../.."} {
				if seed, err = os.ReadFile(filepath.Join(up, "shared", "seeds", seeds[string(prefix)])); err == nil {
					break
				}
			}
			if errors.Is(err, os.ErrNotExist) {
				t.Skip("the seeds are not beside this checkout")
			}
			require.NoError(t, err)
			copy, err := os.ReadFile(filepath.Join("testdata", "seeds", tt.file))
			require.NoError(t, err)
			assert.True(t, bytes.Contains(seed, copy), "%s is not a verbatim excerpt of %s", tt.file, seeds[string(prefix)])
		})
	}
}
