# dixmgr — build, test, run and benchmark.
# `make test` and `make run` install the two system libraries they need when missing.

SWIFT ?= swift
STATE_DIR ?= .dixmgr
SYSTEM_PACKAGES := libsqlite3-dev libcurl4-openssl-dev
# What the tests use as real peers: promtool and prometheus, python3 for local test servers.
TEST_PACKAGES := prometheus python3

.PHONY: all deps test-deps build test run bench clean

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

# The real receivers and tools the tests run against: prometheus/promtool, python3, aiosmtpd.
test-deps: deps
	@missing=""; \
	for p in $(TEST_PACKAGES); do \
	  dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "installing$$missing"; \
	  SUDO=""; [ "$$(id -u)" -ne 0 ] && SUDO="sudo"; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends $$missing; \
	fi
	@python3 -c "import aiosmtpd" 2>/dev/null || python3 -m pip install --quiet aiosmtpd

build: deps
	$(SWIFT) build

# The tests' scratch files (databases, logs, journals) go to one directory of their own, removed
# when every test passed and kept, with its path printed, when one failed. Readable by all, as
# /tmp's own subdirectories are: some tests run processes as `nobody`.
test: test-deps
	$(SWIFT) build --build-tests
	@scratch="$$(mktemp -d "$${TMPDIR:-/tmp}/dixmgr-test.XXXXXX")"; chmod 755 "$$scratch"; \
	if TMPDIR="$$scratch" $(SWIFT) test --skip-build; then \
	  rm -rf "$$scratch"; \
	else \
	  echo "the failed run's test files are kept in $$scratch"; exit 1; \
	fi

run: deps
	$(SWIFT) build --product dixmgr
	$(SWIFT) build --product dixctl
	@mkdir -p $(STATE_DIR)
	.build/debug/dixmgr --db $(STATE_DIR)/state.db

bench: deps
	$(SWIFT) build -c release --product dixbench
	.build/release/dixbench
	cd Benchmarks && $(SWIFT) package --allow-writing-to-package-directory benchmark

clean:
	rm -rf .build $(STATE_DIR)
