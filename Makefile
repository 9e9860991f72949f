# Railgate — plain Makefile.
#   make            build ./railgate
#   make run        deps, build, start on 127.0.0.1:4000 with config/railgate.yaml
#   make test       deps, build, every test; last line "N passed, N failed"
#   make asan       the same suite against an ASan+UBSan build
#   make fuzz       build the libFuzzer targets (clang) and run each briefly
#   make bench      side-by-side load benchmark (prints figures; not a test)
#   make eval       detectors on the labelled data in ../shared/eval (docs/DETECTION.md)

CC      ?= cc
B       ?= build
BIN     ?= railgate
OPT     ?= -O2 -g
SAN     ?=
CFLAGS  += -std=c11 $(OPT) $(SAN) -Wall -Wextra -Wshadow -Wno-unused-parameter -fno-omit-frame-pointer
CPPFLAGS += -Isrc -D_GNU_SOURCE -MMD -MP
LDFLAGS += $(SAN)
LDLIBS  = -lh2o -luv -lcurl -ljansson -lyaml -lsqlite3 -lpcre2-8 -lhs -lssl -lcrypto -lpthread -lm
# The server's allocator: mimalloc replaces malloc/free for the whole process (jansson, libcurl, SQLite
# included) when it comes first among the libraries. `make MALLOC=` links glibc's; the ASan build always does
# (docs/internals/core.md, "Allocator").
MALLOC  ?= -lmimalloc

LIB_SRC := $(shell find src -name '*.c' ! -path src/main.c | sort)
# Files under models/ (detector weights) are embedded as rg_model_<name> (see src/core/blob.h).
MODELS  := $(sort $(wildcard models/*.bin))
MODEL_OBJ := $(MODELS:models/%.bin=$(B)/models/%.o)
LIB_OBJ := $(LIB_SRC:%.c=$(B)/%.o) $(B)/src/config/default_yaml.o $(MODEL_OBJ)
UNIT_SRC := $(wildcard tests/unit/test_*.c)
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(B)/tests/%)
FUZZ_SRC := $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_REPLAY := $(FUZZ_SRC:tests/fuzz/%.c=$(B)/replay/%)
MOCK    := $(B)/tests/mockup

.PHONY: all run test check-deps deps unit asan fuzz bench eval interop clean build-tests
all: $(BIN)

$(BIN): $(B)/src/main.o $(B)/librailgate.a
	$(CC) $(LDFLAGS) -o $@ $(B)/src/main.o $(B)/librailgate.a $(MALLOC) $(LDLIBS)

$(B)/librailgate.a: $(LIB_OBJ)
	@rm -f $@
	$(AR) rcs $@ $^

$(B)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<

$(B)/src/config/default_yaml.o: src/config/default_yaml.S config/railgate.yaml
	@mkdir -p $(dir $@)
	$(CC) -c -DRG_DEFAULT_YAML='"config/railgate.yaml"' -o $@ $<

$(B)/models/%.o: models/%.bin src/core/blob.S
	@mkdir -p $(dir $@)
	$(CC) -c -DRG_BLOB_FILE='"$<"' -DRG_BLOB_SYM=rg_model_$(subst -,_,$*) -o $@ src/core/blob.S

$(B)/tests/test_%: tests/unit/test_%.c $(B)/librailgate.a
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ $< $(B)/librailgate.a -lcmocka $(LDLIBS)

$(MOCK): tests/mock/mockup.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ $< -lh2o -luv -lssl -lcrypto -ljansson -lpthread

# Fuzz targets built with the normal compiler and a replay main: `make test`
# runs every committed corpus file through them (see tests/fuzz/README.md).
$(B)/replay/fuzz_%: tests/fuzz/fuzz_%.c tests/fuzz/replay_main.c $(B)/librailgate.a
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ $< tests/fuzz/replay_main.c $(B)/librailgate.a $(LDLIBS)

deps:
	@bash scripts/deps.sh

check-deps:
	@bash scripts/deps.sh --check 2>/dev/null || bash scripts/deps.sh

unit: $(UNIT_BIN)

build-tests: $(BIN) unit $(MOCK) $(FUZZ_REPLAY)

test: check-deps
	@$(MAKE) --no-print-directory build-tests
	@B=$(B) RAILGATE=$(BIN) bash tests/run.sh

ASAN_FLAGS = B=build-asan BIN=build-asan/railgate OPT="-O1 -g" MALLOC= \
	SAN="-fsanitize=address,undefined -fno-sanitize-recover=undefined"

asan: check-deps
	@$(MAKE) --no-print-directory $(ASAN_FLAGS) build-tests
	@ASAN_OPTIONS=detect_leaks=1 LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp UBSAN_OPTIONS=print_stacktrace=1 \
		B=build-asan RAILGATE=build-asan/railgate bash tests/run.sh

run: check-deps railgate
	./railgate serve --config config/railgate.yaml

fuzz: check-deps
	@bash tests/fuzz/run.sh

bench: check-deps railgate $(MOCK)
	@bash bench/run.sh

eval: $(BIN)
	@RAILGATE=$(BIN) bash scripts/eval.sh

# Railgate behind a real Portkey gateway (installs it from npm; not part of `make test`)
interop: $(BIN)
	@RAILGATE=$(abspath $(BIN)) bash scripts/interop.sh

clean:
	rm -rf build build-asan build-fuzz railgate

-include $(shell find $(B) build-asan -name '*.d' 2>/dev/null)
