# roompath: run `make` for the list of targets.
SHELL      := /bin/bash
GO         ?= go
VERSION    ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo 0.1.0)
LDFLAGS    := -s -w -X github.com/roompath/roompath/internal/version.Version=$(VERSION)
BINARIES   := $(notdir $(wildcard cmd/*))
PLATFORMS  := linux/amd64 linux/arm64 linux/arm darwin/arm64 darwin/amd64 windows/amd64
TESTFLAGS  ?= -count=1 -timeout 20m
FUZZTIME   ?= 10s

.DEFAULT_GOAL := help

help: ## show this help
	@awk 'BEGIN {FS = ":.*## "} /^[a-z][a-zA-Z_-]+:.*## / {printf "  \033[1m%-10s\033[0m %s\n", $$1, $$2}' $(MAKEFILE_LIST)

build: ## build static binaries into bin/
	@mkdir -p bin
	CGO_ENABLED=0 $(GO) build -trimpath -ldflags '$(LDFLAGS)' -o bin/ ./cmd/...

test: ## run every test (namespace-lab tests need root; elsewhere they skip and say why)
	$(GO) vet ./...
	$(GO) test $(TESTFLAGS) ./...

demo: build ## build the namespace lab, diagnose every fault it stages, tear it down
	$(GO) run ./internal/demo

lint: ## gofmt, go mod tidy, the import rule (nothing outside cmd/ imports cmd/), sizes, go vet, staticcheck
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	@$(GO) mod tidy -diff || { echo "go.mod or go.sum is not tidy: run go mod tidy"; exit 1; }
	@mod=$$($(GO) list -m) && pkgs=$$($(GO) list -test -f '{{.ImportPath}} {{join .Imports " "}}' ./...) || exit 1; \
	  bad=$$(echo "$$pkgs" | awk -v cmd="$$mod/cmd/" '{ sub(/\.test$$/, "", $$1) } index($$1, cmd) != 1 { \
	    for (i = 2; i <= NF; i++) if (index($$i, cmd) == 1) print $$1 " imports " $$i ": nothing outside cmd/ may import cmd/" }' | sort -u); \
	  if [ -n "$$bad" ]; then echo "$$bad"; exit 1; fi
	@scripts/lint-size.sh
	$(GO) vet ./...
	$(GO) run honnef.co/go/tools/cmd/staticcheck@v0.8.2 ./...

bench: build ## Go benchmarks, portcheck beside nmap on /16s, roompath serve at fleet size beside blackbox_exporter, as one table (root; about 20 minutes)
	$(GO) test -run '^$$' -bench . -benchmem ./probe/dnsprobe/ ./probe/media/... ./report/ ./internal/targets/ ./exporter/
	@rows=$$(mktemp) && \
	  BENCH_ROWS=$$rows $(GO) run ./internal/benchsweep && \
	  BENCH_ROWS=$$rows $(GO) run ./internal/benchexporter && \
	  echo && scripts/bench-table.sh $$rows; rc=$$?; rm -f $$rows; exit $$rc

compare: build ## every comparison script: dig, curl/openssl, traceroute/tracepath, nmap on the messy-network labs, iperf3 -u on the media lab, blackbox_exporter (root for the lab ones)
	scripts/compare-dig.sh
	scripts/compare-curl.sh
	scripts/compare-traceroute.sh
	scripts/compare-synproxy.sh
	scripts/compare-messy.sh
	scripts/compare-iperf.sh
	$(GO) run ./internal/benchexporter -skip-fleet

fuzz: ## run every fuzz target for FUZZTIME each (default 10s; the whole run stays under 10 minutes)
	GO=$(GO) FUZZTIME=$(FUZZTIME) scripts/fuzz.sh

release: ## cross-build every binary for every platform into dist/
	@mkdir -p dist
	@set -e; for p in $(PLATFORMS); do os=$${p%/*}; arch=$${p#*/}; ext=; [ $$os = windows ] && ext=.exe; \
	  for b in $(BINARIES); do \
	    echo "dist/$$b-$$os-$$arch$$ext"; \
	    CGO_ENABLED=0 GOOS=$$os GOARCH=$$arch $(GO) build -trimpath -ldflags '$(LDFLAGS)' -o dist/$$b-$$os-$$arch$$ext ./cmd/$$b; \
	  done; done

clean: ## remove bin/ and dist/
	rm -rf bin dist

.PHONY: help build test demo lint bench compare fuzz release clean
