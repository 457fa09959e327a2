# Makefile: the short way in. `make help` lists the targets; CMake does the real work.
#
# Variables (override on the command line, e.g. `make test BUILD_DIR=build-mine JOBS=2`):
#   BUILD_DIR   release build tree                       (default: build)
#   ASAN_DIR    ASan+UBSan debug build tree              (default: build-asan)
#   CLANG_DIR   clang++ release build tree               (default: build-clang)
#   JOBS        parallel compile/test jobs               (default: nproc)
#   SCENARIO    scenario used by `make demo`             (default: scenarios/quickstart.yaml)
#   DEMO_OUT    where `make demo` writes its outputs     (default: out/quickstart)
#   CMAKE_ARGS  extra arguments for every configure step, values without spaces (default: none),
#               e.g. CMAKE_ARGS='-DLEASESIM_BUILD_BENCH=OFF'
# Environment: LEASESIM_SKIP_DEPS=1 makes `make deps` (and so every target) skip the package check.

SHELL := bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help

BUILD_DIR  ?= build
ASAN_DIR   ?= build-asan
CLANG_DIR  ?= build-clang
JOBS       ?= $(shell nproc 2>/dev/null || echo 2)
SCENARIO   ?= scenarios/quickstart.yaml
DEMO_OUT   ?= out/quickstart
CMAKE_ARGS ?=
CMAKE      ?= cmake
CTEST      ?= ctest

.PHONY: help deps build demo test asan clang bench clean distclean

help:
	@echo "leasesim: make targets"
	@echo "  make deps       install missing Debian 12 packages (scripts/install-deps.sh)"
	@echo "  make build      configure (if needed) and build $(BUILD_DIR)/ in Release"
	@echo "  make demo       build, run $(SCENARIO); outputs in $(DEMO_OUT)/"
	@echo "  make test       build, then run every test with ctest"
	@echo "  make asan       Debug build with ASan+UBSan in $(ASAN_DIR)/, then ctest"
	@echo "  make clang      Release build with clang++ in $(CLANG_DIR)/, then ctest"
	@echo "  make bench      build, then run every benchmark in $(BUILD_DIR)/bench/"
	@echo "  make clean      remove $(BUILD_DIR)/ $(ASAN_DIR)/ $(CLANG_DIR)/ and out/"
	@echo "  make distclean  clean, and remove every other build-*/ tree (presets, determinism)"
	@echo "Variables: BUILD_DIR=$(BUILD_DIR) JOBS=$(JOBS) CMAKE_ARGS=... (see the top of the Makefile)"
	@echo "Also: scripts/check-determinism.sh [SCENARIO] compares trace hashes across compilers,"
	@echo "      CMakePresets.json has release, debug, asan, clang-release and gcc-O0."

deps:
	@scripts/install-deps.sh

# $(call configure,DIR,ARGS): run CMake's configure step for DIR (with ARGS and CMAKE_ARGS)
# only when DIR has no cache yet or was configured with other arguments (those are kept in
# DIR/.make-configure-args). After a CMakeLists.txt edit `cmake --build` re-runs it by itself.
define configure
	@args='-S . -B $(1) $(2) $(CMAKE_ARGS)'; \
	if [[ -f '$(1)/CMakeCache.txt' && "$$(cat '$(1)/.make-configure-args' 2>/dev/null)" == "$$args" ]]; then \
	  echo "==> $(1)/ already configured"; \
	else \
	  echo "==> $(CMAKE) $$args"; \
	  $(CMAKE) $$args; \
	  echo "$$args" > '$(1)/.make-configure-args'; \
	fi
endef

build: deps
	$(call configure,$(BUILD_DIR),-DCMAKE_BUILD_TYPE=Release)
	$(CMAKE) --build $(BUILD_DIR) -j$(JOBS)

# The exit status follows the run (0 = it passed); scripts/demo.sh has the details.
demo: build
	@scripts/demo.sh '$(BUILD_DIR)/leasesim' '$(SCENARIO)' '$(DEMO_OUT)'

test: build
	$(CTEST) --test-dir $(BUILD_DIR) --output-on-failure -j$(JOBS)

asan: deps
	$(call configure,$(ASAN_DIR),-DCMAKE_BUILD_TYPE=Debug -DLEASESIM_SANITIZE=ON)
	$(CMAKE) --build $(ASAN_DIR) -j$(JOBS)
	$(CTEST) --test-dir $(ASAN_DIR) --output-on-failure -j$(JOBS)

clang: deps
	$(call configure,$(CLANG_DIR),-DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_COMPILER=clang++)
	$(CMAKE) --build $(CLANG_DIR) -j$(JOBS)
	$(CTEST) --test-dir $(CLANG_DIR) --output-on-failure -j$(JOBS)

# Benchmarks run one at a time (never in parallel: they would disturb each other's timing).
bench: build
	@shopt -s nullglob; found=0; \
	for b in $(BUILD_DIR)/bench/*_bench; do \
	  [[ -f "$$b" && -x "$$b" ]] || continue; \
	  found=1; echo "==> $$b"; "$$b"; echo; \
	done; \
	if (( found == 0 )); then echo "no benchmarks in $(BUILD_DIR)/bench/ (LEASESIM_BUILD_BENCH=OFF?)" >&2; exit 1; fi

# The guard keeps a BUILD_DIR of "", "." or "/" from deleting the tree.
clean:
	@for d in '$(BUILD_DIR)' '$(ASAN_DIR)' '$(CLANG_DIR)'; do \
	  case "$$d" in ''|.|./|/|..|../) echo "clean: refusing to remove '$$d'" >&2; exit 1;; esac; \
	done
	rm -rf -- '$(BUILD_DIR)' '$(ASAN_DIR)' '$(CLANG_DIR)' out

distclean: clean
	rm -rf -- build-*/
