# ovcompat: build, test, benchmark and regenerate the embedded model.
GO        ?= go
SHARED    ?= ../shared/ovirt
BIN       ?= bin/ovcompat
VERSION   ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS   := -X main.version=$(VERSION)
IMAGE     ?= registry.example.com/ovcompat
PKGS      := ./...
# Modules of their own that check the deployment recipes with their platforms'
# code (kept out of the main module's go.mod): Pod Security admission, and
# actionlint + BuildKit's Dockerfile checks (shellcheck where installed).
DEPLOY_MODULES := deploy/kubernetes/psacheck deploy/lint

.PHONY: all build test test-short lint vet fmt-check bench schema fuzz clean demo demo-broken demo-check image sidecar-manifest

all: build

## build: the ovcompat binary in bin/
build:
	$(GO) build -trimpath -ldflags '$(LDFLAGS)' -o $(BIN) ./cmd/ovcompat

## demo: the simulator, the proxy in front of it, the bundled scenarios
## replayed through it, the reports in ./ovcompat-out/ (report.html first)
demo:
	$(GO) run ./cmd/ovcompat demo --out ovcompat-out

## demo-broken: the same against a simulator that injects faults; it ends
## with findings (exit 1), which is what it is there to show. A harness error
## (exit 2) fails it with its own code. The binary is built first: `go run`
## turns every failing exit code into 1.
demo-broken: build
	sh scripts/expect-findings.sh $(BIN) demo --out ovcompat-out --inject broken

## demo-check: the demo's report exists and its totals are the expected ones
demo-check:
	$(GO) run ./scripts/demo-check ovcompat-out

## test: formatting, vet, then every test with the race detector, and the
## deployment recipes' own modules ($(DEPLOY_MODULES); the workflow's
## scripts are checked with shellcheck where it is installed: apt-get install shellcheck)
test: lint
	$(GO) test -race -count=1 $(PKGS)
	@for m in $(DEPLOY_MODULES); do echo "test $$m"; (cd $$m && $(GO) test -count=1 ./...) || exit 1; done

## test-short: the tests without the race detector, for a quick loop
test-short:
	$(GO) test -count=1 $(PKGS)

## lint: gofmt and go vet must be clean
lint: fmt-check vet

fmt-check:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$out" ]; then echo "gofmt needed on:"; echo "$$out"; exit 1; fi

vet:
	$(GO) vet $(PKGS)
	@for m in $(DEPLOY_MODULES); do (cd $$m && $(GO) vet ./...) || exit 1; done

## image: the container image of deploy/Dockerfile, tagged $(VERSION)
image:
	docker build -f deploy/Dockerfile --build-arg VERSION=$(VERSION) -t $(IMAGE):$(VERSION) .

## sidecar-manifest: deploy/kubernetes/ovcompat-sidecar.yaml naming the image
## $(IMAGE):$(VERSION), written to $(OUT)/ovcompat-sidecar.yaml
sidecar-manifest:
	mkdir -p $(OUT)
	sed 's|image: registry.example.com/ovcompat:[^ ]*|image: $(IMAGE):$(VERSION)|' \
	  deploy/kubernetes/ovcompat-sidecar.yaml > $(OUT)/ovcompat-sidecar.yaml

## bench: every benchmark, 6 runs each, summarised with benchstat
bench:
	$(GO) test -run '^$$' -bench . -benchmem -count 6 $(PKGS) | tee bench.txt
	$(GO) run golang.org/x/perf/cmd/benchstat@v0.0.0-20260908200009-22c9c6c9d4da bench.txt

## schema: regenerate the embedded history of the v4 model (every release
## of the oVirt API model, read from its sources) and the engine releases
## table, then the model's secret members that package redact masks
schema:
	$(GO) run ./schema/gen -src $(SHARED) -out schema/v4
	$(GO) run ./redact/gen -out redact/members_gen.go

## sim-always: regenerate the simulator's table of the members a real engine
## always writes (sim/always.tsv) from the recorded traffic and the engine's mappers
.PHONY: sim-always
sim-always:
	$(GO) run ./sim/gen -shared $(SHARED) -out sim/always.tsv -backend sim/gen/backend.tsv

## fuzz: run each fuzz target for FUZZTIME (default 30s)
FUZZTIME ?= 30s
FUZZ_TARGETS := schema:FuzzValidateXML schema:FuzzScan schema:FuzzStreamValidate schema:FuzzValidateJSON schema:FuzzJSONParity schema:FuzzJSONCheckTree schema:FuzzImportXSD schema:FuzzImportRSDL \
	har:FuzzParse scenario:FuzzParse scenario:FuzzPath redact:FuzzBody sim:FuzzServe \
	reports:FuzzRead reports:FuzzParseBaseline rules:FuzzRESTHeaders sim/imageio:FuzzParseRange sim/imageio:FuzzParseContentRange \
	sim/imageio:FuzzExtentMap sim/imageio:FuzzServe cmd/ovcompat:FuzzParseSize scenario/harimport:FuzzExchanges \
	crawl:FuzzHarvest replay:FuzzParseFilter \
	internal/expect:FuzzListener internal/yamlline:FuzzFirstBadLine proxy:FuzzReadUpTo \
	schema/gen/metamodel:FuzzParse compat:FuzzUse
fuzz:
	@for t in $(FUZZ_TARGETS); do \
	  pkg=$${t%%:*}; fn=$${t#*:}; echo "fuzz ./$$pkg $$fn"; \
	  $(GO) test ./$$pkg -run '^$$' -fuzz "^$$fn\$$" -fuzztime $(FUZZTIME) -fuzzminimizetime 5s || exit 1; \
	done

clean:
	rm -rf bin bench.txt

## conformance: the Ginkgo suite in parallel against TARGET (empty: the bundled
## simulator, in-process), junit.xml, results.json and reports into OUT;
## the password comes from OVCOMPAT_PASSWORD, e.g.
##   make conformance TARGET=https://engine.example.com ARGS='-ca-file=ca.pem'
TARGET ?=
OUT    ?= ovcompat-out
ARGS   ?=
.PHONY: conformance
conformance:
	mkdir -p $(OUT)
	$(GO) tool ginkgo -p ./conformance -- -target=$(TARGET) -out=$(abspath $(OUT)) $(ARGS)
