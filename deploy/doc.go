// Package deploy holds the deployment recipes (a Kubernetes sidecar, a
// systemd unit, a GitHub Actions workflow, a Dockerfile) and, in its tests,
// the checks that they pass their platform's own rules. The Kubernetes
// checks live in the module deploy/kubernetes/psacheck, which carries the
// admission controller's policy code and its dependencies; the workflow's
// actionlint check and the Dockerfile's BuildKit checks live in the module
// deploy/lint, for the same reason.
package deploy
