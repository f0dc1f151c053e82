// Package psacheck checks the Kubernetes recipe in deploy/kubernetes against
// the platform's own rules: Pod Security "restricted", judged by the admission
// controller's policy code (k8s.io/pod-security-admission), and the recipe's
// operational promises (a version tag, no admin port on the Service, a
// bounded recordings volume, a startup probe).
//
// It is a module of its own so that the main module does not carry
// Kubernetes' dependency tree (k8s.io/api, apimachinery, klog, json-iterator,
// cbor, structured-merge-diff, ... about twenty modules) for one test.
package psacheck

import (
	"bytes"
	"fmt"
	"os"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"sigs.k8s.io/yaml"
)

// Manifest is what the recipe declares, by kind.
type Manifest struct {
	Deployment appsv1.Deployment
	Service    corev1.Service
	ConfigMap  corev1.ConfigMap
}

// Load reads a multi-document manifest and decodes each document by its kind.
// Unknown fields are errors, so a typo in the recipe cannot pass unseen.
func Load(path string) (*Manifest, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("psacheck: %w", err)
	}
	var m Manifest
	seen := map[string]bool{}
	for i, doc := range bytes.Split(data, []byte("\n---\n")) {
		var head struct{ Kind string }
		if err := yaml.Unmarshal(doc, &head); err != nil {
			return nil, fmt.Errorf("psacheck: %s document %d: %w", path, i+1, err)
		}
		var into any
		switch head.Kind {
		case "Deployment":
			into = &m.Deployment
		case "Service":
			into = &m.Service
		case "ConfigMap":
			into = &m.ConfigMap
		case "":
			continue
		default:
			return nil, fmt.Errorf("psacheck: %s document %d: unexpected kind %q", path, i+1, head.Kind)
		}
		if err := yaml.UnmarshalStrict(doc, into); err != nil {
			return nil, fmt.Errorf("psacheck: %s document %d (%s): %w", path, i+1, head.Kind, err)
		}
		seen[head.Kind] = true
	}
	for _, k := range []string{"Deployment", "Service", "ConfigMap"} {
		if !seen[k] {
			return nil, fmt.Errorf("psacheck: %s has no %s", path, k)
		}
	}
	return &m, nil
}

// Container returns the pod's container of that name.
func (m *Manifest) Container(name string) (*corev1.Container, bool) {
	cs := m.Deployment.Spec.Template.Spec.Containers
	for i := range cs {
		if cs[i].Name == name {
			return &cs[i], true
		}
	}
	return nil, false
}
