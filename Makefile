# vtepd - top-level commands. Everything real is in meson; this file only
# chains install -> configure -> build -> run so that a fresh clone needs
# exactly `make demo` or `make test`.
BUILD      ?= build
ASAN_BUILD ?= build-asan
ARGS       ?=
MESON_OPTS ?=

.PHONY: all deps build build-asan test test-quick demo bench bench-micro bench-instr soak fuzz install clean format check-format

all: build

deps:
	@scripts/install-deps.sh

$(BUILD)/build.ninja:
	meson setup $(BUILD) $(MESON_OPTS)

build: deps $(BUILD)/build.ninja
	@ninja -C $(BUILD)

$(ASAN_BUILD)/build.ninja:
	meson setup $(ASAN_BUILD) -Db_sanitize=address,undefined -Db_lundef=false $(MESON_OPTS)

build-asan: deps $(ASAN_BUILD)/build.ninja
	@ninja -C $(ASAN_BUILD)

# Every test: unit, packet, integration (namespaces, kernel vxlan, testpmd,
# fake managers), lint; then unit + packet again under ASan/UBSan.
# Ends with one line "N passed, N failed, N skipped".
test: build build-asan
	@scripts/run-tests.sh $(BUILD) $(ASAN_BUILD)

# Without the sanitizer pass (for a quick local loop).
test-quick: build
	@scripts/run-tests.sh $(BUILD)

demo: build
	@scripts/demo.sh $(ARGS)

bench: build
	@scripts/install-deps.sh --bench
	@bench/gateway.sh $(ARGS)

bench-micro: build
	@$(BUILD)/bench/vtep-bench-micro $(ARGS)

bench-instr: build
	@bench/instr.sh --build $(BUILD) $(ARGS)

soak: build
	@tests/soak/soak.sh $(ARGS)

fuzz:
	@scripts/install-deps.sh
	@tests/fuzz/run.sh $(ARGS)

install: build
	meson install -C $(BUILD)

format:
	@git ls-files '*.c' '*.h' | xargs clang-format-14 -i

check-format:
	@git ls-files '*.c' '*.h' | xargs clang-format-14 --dry-run --Werror

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) build-fuzz
