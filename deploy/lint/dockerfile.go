package lint

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"runtime"

	"github.com/moby/buildkit/client/llb"
	"github.com/moby/buildkit/client/llb/sourceresolver"
	"github.com/moby/buildkit/frontend/dockerfile/dockerfile2llb"
	"github.com/moby/buildkit/frontend/dockerfile/instructions"
	"github.com/moby/buildkit/frontend/dockerfile/parser"
	"github.com/opencontainers/go-digest"
	ocispecs "github.com/opencontainers/image-spec/specs-go/v1"
)

// Dockerfile is a Dockerfile as BuildKit reads it: its build stages, each
// with its typed instructions.
type Dockerfile struct {
	Stages   []instructions.Stage
	MetaArgs []instructions.ArgCommand
}

// ParseDockerfile parses data with BuildKit's own parser.
func ParseDockerfile(data []byte) (*Dockerfile, error) {
	ast, err := parser.Parse(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("lint: dockerfile: %w", err)
	}
	stages, args, err := instructions.Parse(ast.AST, nil)
	if err != nil {
		return nil, fmt.Errorf("lint: dockerfile: %w", err)
	}
	return &Dockerfile{Stages: stages, MetaArgs: args}, nil
}

// Finding is what one of BuildKit's build checks reports.
type Finding struct {
	Rule, Detail string
	Line         int
}

func (f Finding) String() string { return fmt.Sprintf("line %d: %s: %s", f.Line, f.Rule, f.Detail) }

// BuildChecks runs BuildKit's build checks on a Dockerfile, the ones
// `docker build --check` runs, offline: base images are not fetched, their
// configuration is an empty image of this machine's platform. An error the
// build would stop on is returned as an error.
func BuildChecks(ctx context.Context, data []byte) ([]Finding, error) {
	st := llb.Scratch()
	def, err := st.Marshal(ctx)
	if err != nil {
		return nil, fmt.Errorf("lint: dockerfile: %w", err)
	}
	src := llb.NewSourceMap(&st, "Dockerfile", "Dockerfile", data)
	src.Definition = def
	res, err := dockerfile2llb.DockerfileLint(ctx, data, dockerfile2llb.ConvertOpt{SourceMap: src, MetaResolver: offlineImages{}})
	if err != nil {
		return nil, fmt.Errorf("lint: dockerfile: %w", err)
	}
	if res.Error != nil {
		return nil, fmt.Errorf("lint: dockerfile: the build would stop: %s", res.Error.Message)
	}
	var out []Finding
	for _, w := range res.Warnings {
		f := Finding{Rule: w.RuleName, Detail: w.Detail}
		if len(w.Location.Ranges) > 0 {
			f.Line = int(w.Location.Ranges[0].Start.Line)
		}
		out = append(out, f)
	}
	return out, nil
}

// offlineImages stands in for a registry: every base image is an empty
// image of the platform asked for, so the checks never reach the network.
type offlineImages struct{}

func (offlineImages) ResolveImageConfig(_ context.Context, ref string, opt sourceresolver.Opt) (string, digest.Digest, []byte, error) {
	p := ocispecs.Platform{OS: "linux", Architecture: runtime.GOARCH}
	if opt.ImageOpt != nil && opt.ImageOpt.Platform != nil {
		p = *opt.ImageOpt.Platform
	}
	cfg, err := json.Marshal(ocispecs.Image{Platform: p, RootFS: ocispecs.RootFS{Type: "layers"}})
	if err != nil {
		return "", "", nil, err
	}
	return ref, digest.FromBytes(cfg), cfg, nil
}
