# NoteMiner: the two commands are `make demo` (main job on Corpora/) and `make test`.
SHELL := /bin/bash
SWIFT ?= swift
RELEASE_BIN := .build/release/noteminer
SHARED ?= ../shared/corpora
DEMO_OUT ?= demo-out

.PHONY: all deps build release release-static demo test eval bench fuzz sanitize spark-test clean

all: release

deps:
	@scripts/check-deps.sh

build: deps
	$(SWIFT) build

# Cross-module optimization: the pipeline stages are separate modules, and without it every small accessor
# (token flags, JSON keys) across a module boundary stays a call; 1-3% of a batch run's CPU.
# The Swift runtime linked in: the binary runs where no Swift is installed (cluster executors), and its calls into
# the runtime (reference counting, allocation: tens of millions in a batch run) are direct instead of through the
# dynamic linker's tables; 3-4% less CPU for a 10,000-note run.
RELEASE_FLAGS ?= -Xswiftc -cross-module-optimization --static-swift-stdlib

release: deps
	$(SWIFT) build -c release --product noteminer $(RELEASE_FLAGS)

# The binary to ship to cluster executors: `release` is that binary (kept as a name for scripts that use it).
release-static: release

# The PySpark job in local[2] mode equals a single-machine run, byte for byte (installs pyspark into .build/venv-spark).
spark-test: release
	@scripts/spark_test.sh $(RELEASE_BIN)

demo: release
	@scripts/demo.sh $(RELEASE_BIN) $(DEMO_OUT)

test: deps
	mkdir -p .build && $(SWIFT) test 2>&1 | tee .build/test.log | grep -vE '^(\[[0-9]+/[0-9]+\]|Compiling|Building|Write|Emitting|Linking)' ; exit $${PIPESTATUS[0]}

# Evaluations that read the public corpora in $(SHARED) (present in CI, absent on a user's machine).
eval: release
	@scripts/eval.sh $(RELEASE_BIN) $(SHARED)

bench: release
	@scripts/bench.sh $(RELEASE_BIN) $(SHARED)

# libFuzzer targets (Fuzz/), each for FUZZ_SECONDS; crashes land in .build-fuzz/crashes/<target>/.
FUZZ_SECONDS ?= 60
fuzz: deps
	FUZZ_SECONDS=$(FUZZ_SECONDS) Fuzz/run.sh

# The test suite under AddressSanitizer, then UndefinedBehaviorSanitizer (separate build folders). Swift on Linux
# has no -sanitize=undefined: UBSan instruments the C code (the ICU shim) in trap mode, and the Swift code runs its
# own checks (overflow, bounds, exclusivity) in the debug build.
sanitize: deps
	LSAN_OPTIONS=suppressions=$(CURDIR)/Fuzz/lsan-suppressions.txt $(SWIFT) test --sanitize=address --scratch-path .build-sanitize/address
	$(SWIFT) test --scratch-path .build-sanitize/undefined -Xcc -fsanitize=undefined -Xcc -fsanitize-trap=undefined -Xcc -fno-sanitize-recover=all

clean:
	rm -rf .build .build-fuzz .build-sanitize $(DEMO_OUT)
