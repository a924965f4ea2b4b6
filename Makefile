# dixmgr — build, test, run and benchmark.
# `make test` and `make run` install the two system libraries they need when missing.

SWIFT ?= swift
STATE_DIR ?= .dixmgr
SYSTEM_PACKAGES := libsqlite3-dev libcurl4-openssl-dev

.PHONY: all deps build test run bench clean

all: build

deps:
	@missing=""; \
	for p in $(SYSTEM_PACKAGES); do \
	  dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "installing$$missing"; \
	  SUDO=""; [ "$$(id -u)" -ne 0 ] && SUDO="sudo"; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing; \
	fi

build: deps
	$(SWIFT) build

test: deps
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build

run: deps
	$(SWIFT) build --product dixmgr
	$(SWIFT) build --product dixctl
	@mkdir -p $(STATE_DIR)
	.build/debug/dixmgr --conf conf/dixmgr.toml --db $(STATE_DIR)/state.db

bench: deps
	$(SWIFT) build -c release --product dixbench
	.build/release/dixbench
	cd Benchmarks && $(SWIFT) package --allow-writing-to-package-directory benchmark

clean:
	rm -rf .build $(STATE_DIR)
