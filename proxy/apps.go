package proxy

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/svcsim/svcsim/cluster"
	"github.com/svcsim/svcsim/selector"
)

// App is what runs in a container: the ports it listens on and how it
// answers a request. What a pod answers is decided by its containers'
// images, through the [Apps] registry.
type App struct {
	// Ports are the ports the app listens on, whatever the pod declares:
	// nginx listens on 80 even if the container claims 8080, and a Service
	// whose targetPort misses it gets "connection refused". Empty means the
	// container's declared containerPorts.
	Ports []int32
	// Serve answers one request. Nil answers 200 with the pod's name.
	// The Incoming is valid only during the call.
	Serve func(in *Incoming) Reply
}

// Incoming is what an app sees of one request.
type Incoming struct {
	// Pod is the pod the app runs in.
	Pod PodInfo
	// Container and Image name the container that accepted the connection.
	Container, Image string
	// Host is the name or address the client asked for, Port the port the
	// connection reached the pod on, Path the URL path ("/" at least).
	Host string
	Port int32
	Path string
	// Client is the client's address as the pod sees it: the client's
	// own, or the node's where kube-proxy masqueraded the connection (a
	// NodePort or load balancer under the Cluster policy).
	Client string
	// Now is the virtual time the request arrived.
	Now cluster.Time
	// Rand is the seeded stream of the client that sent the request (a
	// load's own, or the one lone requests share), for apps that fail or
	// slow down at random: drawing from it keeps runs repeatable.
	Rand *rand.Rand

	rec *podRec // lets the built-ins reuse what they computed before
}

// PodInfo describes the pod an app runs in.
type PodInfo struct {
	// Namespace and Name name the pod; IP is its address and Node the
	// node it runs on.
	Namespace, Name, IP, Node string
	// Labels are the pod's labels when the request arrived. They are
	// shared with other requests' records: do not modify them.
	Labels selector.Set
}

// Reply is an app's answer to one request.
type Reply struct {
	// Status is the HTTP status; 0 means 200.
	Status int
	// Body is the response body.
	Body string
	// Latency is how long the app takes to answer (negative counts as 0).
	// The connection stays open meanwhile: if the pod's process dies first
	// the client sees a reset, and if it exceeds the client's timeout the
	// client gives up.
	Latency time.Duration
}

// The built-in apps' answer time: fast, but long enough that a process
// dying mid-request is a visible event.
const builtinLatency = time.Millisecond

// NginxWelcome is the body of nginx's default page, 615 bytes, as the
// lab's transcript shows it.
const NginxWelcome = `<!DOCTYPE html>
<html>
<head>
<title>Welcome to nginx!</title>
<style>
html { color-scheme: light dark; }
body { width: 35em; margin: 0 auto;
font-family: Tahoma, Verdana, Arial, sans-serif; }
</style>
</head>
<body>
<h1>Welcome to nginx!</h1>
<p>If you see this page, the nginx web server is successfully installed and
working. Further configuration is required.</p>

<p>For online documentation and support please refer to
<a href="http://nginx.org/">nginx.org</a>.<br/>
Commercial support is available at
<a href="http://nginx.com/">nginx.com</a>.</p>

<p><em>Thank you for using nginx.</em></p>
</body>
</html>
`

// HttpdItWorks is the body of Apache httpd's default page.
const HttpdItWorks = "<html><body><h1>It works!</h1></body></html>\n"

// builtins are the images the labs use. The lab spells the hostinfo
// image two ways (rxmllc for blue, rxmlhc for green); both answer alike.
func builtins() map[string]*App {
	page := func(body string) *App {
		return &App{Ports: []int32{80}, Serve: func(*Incoming) Reply { return Reply{Body: body, Latency: builtinLatency} }}
	}
	hostinfo := &App{Ports: []int32{9898}, Serve: func(in *Incoming) Reply {
		if in.rec == nil {
			return Reply{Body: in.Pod.Name + " " + in.Pod.IP + "\n", Latency: builtinLatency}
		}
		if in.rec.hostinfo == "" {
			in.rec.hostinfo = in.Pod.Name + " " + in.Pod.IP + "\n"
		}
		return Reply{Body: in.rec.hostinfo, Latency: builtinLatency}
	}}
	silent := &App{Ports: []int32{}}
	return map[string]*App{
		"nginx":           page(NginxWelcome),
		"httpd":           page(HttpdItWorks),
		"rxmllc/hostinfo": hostinfo,
		"rxmlhc/hostinfo": hostinfo,
		"busybox":         silent,
		"alpine":          silent,
		"curlimages/curl": silent,
	}
}

// nameServe answers with the pod's name, for images nobody registered.
func nameServe(in *Incoming) Reply {
	if in.rec == nil {
		return Reply{Body: in.Pod.Name + "\n", Latency: builtinLatency}
	}
	if in.rec.nameLine == "" {
		in.rec.nameLine = in.Pod.Name + "\n"
	}
	return Reply{Body: in.rec.nameLine, Latency: builtinLatency}
}

// Apps maps container images to the apps they run. A lookup tries the
// image as written ("myapp:v2"), then without its tag ("myapp"); a
// docker.io/ or docker.io/library/ prefix and a digest are ignored. The
// built-ins: nginx (its welcome page on 80), httpd ("It works!" on 80),
// rxmllc/hostinfo and rxmlhc/hostinfo ("<pod name> <pod IP>" on 9898), and
// busybox, alpine and curlimages/curl, which listen on nothing. Any other
// image answers 200 with the pod's name on its declared container ports.
type Apps struct {
	byImage map[string]*App
	def     *App // for images nobody registered
	gen     int  // bumped by every registration, so pods re-resolve
}

func newApps() *Apps { return &Apps{byImage: builtins(), def: &App{Serve: nameServe}} }

// ErrInvalidImage is returned when registering an app under an image
// reference that is not one, or with a port outside 1-65535.
var ErrInvalidImage = errors.New("proxy: invalid image reference")

// Register makes app the one that runs in containers of image, from the
// next request on; it replaces a built-in or earlier registration.
func (a *Apps) Register(image string, app App) error {
	key, ok := normalizeImage(image)
	if !ok {
		return fmt.Errorf("%w: %q", ErrInvalidImage, image)
	}
	for _, p := range app.Ports {
		if p < 1 || p > 65535 {
			return fmt.Errorf("%w: port %d of %q must be between 1 and 65535, inclusive", ErrInvalidImage, p, image)
		}
	}
	x := app
	x.Ports = append([]int32(nil), app.Ports...)
	if app.Ports != nil && len(app.Ports) == 0 {
		x.Ports = []int32{}
	}
	a.byImage[key] = &x
	a.gen++
	return nil
}

// For returns the app that runs in a container of image. It belongs to
// the registry: change it through Register, not in place.
func (a *Apps) For(image string) *App {
	key, ok := normalizeImage(image)
	if !ok {
		return a.def
	}
	if app, ok := a.byImage[key]; ok {
		return app
	}
	if i := strings.LastIndexByte(key, ':'); i > strings.LastIndexByte(key, '/') {
		if app, ok := a.byImage[key[:i]]; ok {
			return app
		}
	}
	return a.def
}

// normalizeImage strips what does not change which image is meant: a
// digest, and Docker Hub's implicit registry and library prefixes.
func normalizeImage(image string) (string, bool) {
	if i := strings.IndexByte(image, '@'); i >= 0 {
		image = image[:i]
	}
	image = strings.TrimPrefix(image, "docker.io/")
	image = strings.TrimPrefix(image, "library/")
	if image == "" || strings.ContainsAny(image, " \t\n") || strings.HasSuffix(image, ":") || strings.HasSuffix(image, "/") {
		return "", false
	}
	return image, true
}

// listensOn reports whether app listens on port in container c.
func (app *App) listensOn(c *cluster.Container, port int32) bool {
	if app.Ports != nil {
		for _, p := range app.Ports {
			if p == port {
				return true
			}
		}
		return false
	}
	for _, p := range c.Ports {
		if p.ContainerPort == port {
			return true
		}
	}
	return false
}
