package psacheck

import (
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	"k8s.io/pod-security-admission/api"
	"k8s.io/pod-security-admission/policy"
)

const recipe = "../ovcompat-sidecar.yaml"

func load(t *testing.T, path string) *Manifest {
	t.Helper()
	m, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// forbidden evaluates a pod as the admission controller does at the
// "restricted" level of the newest policy version, and returns what it forbids.
func forbidden(t *testing.T, m *Manifest) []string {
	t.Helper()
	ev, err := policy.NewEvaluator(policy.DefaultChecks(), nil)
	if err != nil {
		t.Fatal(err)
	}
	lv := api.LevelVersion{Level: api.LevelRestricted, Version: api.LatestVersion()}
	tpl := m.Deployment.Spec.Template
	var out []string
	for _, r := range ev.EvaluatePod(lv, &tpl.ObjectMeta, &tpl.Spec) {
		if !r.Allowed {
			out = append(out, r.ForbiddenReason+": "+r.ForbiddenDetail)
		}
	}
	return out
}

// TestRestricted: the pod is admitted in a namespace that enforces
// pod-security.kubernetes.io/enforce=restricted.
func TestRestricted(t *testing.T) {
	if f := forbidden(t, load(t, recipe)); len(f) > 0 {
		t.Errorf("Pod Security restricted forbids the sidecar pod:\n  %s", strings.Join(f, "\n  "))
	}
}

// TestRestrictedIsJudged: the same evaluator refuses the pod once one of the
// restricted settings is taken away, so TestRestricted's pass means something.
func TestRestrictedIsJudged(t *testing.T) {
	if f := forbidden(t, load(t, recipe)); len(f) > 0 {
		t.Skip("the recipe itself is refused (TestRestricted)")
	}
	cases := map[string]func(m *Manifest){
		"no seccomp profile": func(m *Manifest) {
			m.Deployment.Spec.Template.Spec.SecurityContext = nil
			sidecar(t, m).SecurityContext.SeccompProfile = nil
		},
		"capabilities kept":    func(m *Manifest) { sidecar(t, m).SecurityContext.Capabilities = nil },
		"privilege escalation": func(m *Manifest) { sidecar(t, m).SecurityContext.AllowPrivilegeEscalation = nil },
	}
	for name, spoil := range cases {
		t.Run(name, func(t *testing.T) {
			m := load(t, recipe)
			spoil(m)
			if len(forbidden(t, m)) == 0 {
				t.Error("restricted admitted a pod it must refuse")
			}
		})
	}
}

// TestImageTag: the sidecar's image is named by a version tag, and `make
// sidecar-manifest` writes the tag of the Makefile's VERSION.
func TestImageTag(t *testing.T) {
	c := sidecar(t, load(t, recipe))
	if tag := imageTag(c.Image); tag == "" || tag == "latest" {
		t.Errorf("image %q: want a version tag, not %q", c.Image, tag)
	}
	if _, err := exec.LookPath("make"); err != nil {
		t.Skip("make is not installed: the rendered manifest is not checked")
	}
	out := t.TempDir()
	cmd := exec.Command("make", "-s", "sidecar-manifest", "VERSION=v9.8.7-test", "IMAGE=reg.test/team/ovcompat", "OUT="+out)
	cmd.Dir = "../../.."
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("make sidecar-manifest: %v\n%s", err, b)
	}
	rendered := load(t, filepath.Join(out, "ovcompat-sidecar.yaml"))
	if got := sidecar(t, rendered).Image; got != "reg.test/team/ovcompat:v9.8.7-test" {
		t.Errorf("rendered image = %q, want reg.test/team/ovcompat:v9.8.7-test", got)
	}
	if f := forbidden(t, rendered); len(f) > 0 {
		t.Errorf("the rendered manifest is refused: %v", f)
	}
}

// TestAdminPortOffService: API clients reach the API port only; /metrics,
// /report and the probes stay on the pod's network.
func TestAdminPortOffService(t *testing.T) {
	m := load(t, recipe)
	c := sidecar(t, m)
	admin := containerPort(t, c, "admin")
	api := containerPort(t, c, "api")
	var apiSeen bool
	for _, p := range m.Service.Spec.Ports {
		tp := p.TargetPort
		if tp.StrVal == admin.Name || tp.IntVal == admin.ContainerPort || (tp.StrVal == "" && tp.IntVal == 0 && p.Port == admin.ContainerPort) {
			t.Errorf("Service port %q reaches the admin port", p.Name)
		}
		if tp.StrVal == api.Name || tp.IntVal == api.ContainerPort {
			apiSeen = true
		}
	}
	if !apiSeen {
		t.Error("the Service does not reach the API port")
	}
}

// TestRecordingsBounded: the folder --record writes to is an emptyDir with a
// sizeLimit, so recordings cannot fill the node's disk, and the proxy stops
// recording (--record-limit) before the kubelet would evict the pod for it.
func TestRecordingsBounded(t *testing.T) {
	m := load(t, recipe)
	c := sidecar(t, m)
	dir := flagValue(c.Args, "--record")
	if dir == "" {
		t.Fatal("the sidecar does not record (--record)")
	}
	var vol string
	for _, vm := range c.VolumeMounts {
		if vm.MountPath == dir {
			vol = vm.Name
		}
	}
	for _, v := range m.Deployment.Spec.Template.Spec.Volumes {
		if v.Name != vol {
			continue
		}
		if v.EmptyDir == nil || v.EmptyDir.SizeLimit == nil || v.EmptyDir.SizeLimit.IsZero() {
			t.Fatalf("volume %q for %s: want an emptyDir with a sizeLimit, got %+v", vol, dir, v.VolumeSource)
		}
		limit := flagValue(c.Args, "--record-limit")
		// ovcompat's sizes (768MiB, 1GiB) are Kubernetes quantities without the B.
		q, err := resource.ParseQuantity(strings.TrimSuffix(limit, "B"))
		if err != nil {
			t.Fatalf("--record-limit=%q: want a size in MiB or GiB (%v)", limit, err)
		}
		if q.Cmp(*v.EmptyDir.SizeLimit) >= 0 {
			t.Errorf("--record-limit=%s is not below the emptyDir's sizeLimit %s: the kubelet would evict the pod first", limit, v.EmptyDir.SizeLimit)
		}
		return
	}
	t.Errorf("no volume is mounted at --record %s", dir)
}

// TestProbes: a startupProbe holds liveness off while the model compiles, and
// every probe asks the admin port.
func TestProbes(t *testing.T) {
	c := sidecar(t, load(t, recipe))
	probes := map[string]*corev1.Probe{"startup": c.StartupProbe, "readiness": c.ReadinessProbe, "liveness": c.LivenessProbe}
	for name, p := range probes {
		if p == nil || p.HTTPGet == nil {
			t.Errorf("%sProbe: want an httpGet probe, got %+v", name, p)
			continue
		}
		if p.HTTPGet.Port.StrVal != "admin" {
			t.Errorf("%sProbe asks port %v, want admin", name, p.HTTPGet.Port.String())
		}
	}
}

func sidecar(t *testing.T, m *Manifest) *corev1.Container {
	t.Helper()
	c, ok := m.Container("ovcompat")
	if !ok {
		t.Fatal("no container named ovcompat")
	}
	return c
}

func containerPort(t *testing.T, c *corev1.Container, name string) corev1.ContainerPort {
	t.Helper()
	for _, p := range c.Ports {
		if p.Name == name {
			return p
		}
	}
	t.Fatalf("container %s has no port named %s", c.Name, name)
	return corev1.ContainerPort{}
}

func flagValue(args []string, name string) string {
	for _, a := range args {
		if v, ok := strings.CutPrefix(a, name+"="); ok {
			return v
		}
	}
	return ""
}

// imageTag is the tag of an image reference ("" when it has none).
func imageTag(ref string) string {
	ref, _, _ = strings.Cut(ref, "@")
	i := strings.LastIndex(ref, ":")
	if i < 0 || strings.Contains(ref[i:], "/") {
		return ""
	}
	return ref[i+1:]
}
