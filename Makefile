# twins — build with `make`, set up and run with `make run`, test with `make test`.
#
# Sources are found by wildcard so a new twin is a folder under src/twins/
# plus its line in src/twins/twins.def; nothing here needs editing.

BUILD    ?= build
SAN      ?=
CC       ?= cc
PKGS     := libuv sqlite3 libcurl openssl libpq zlib
LLHTTP   := .deps/llhttp

PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null)

OPT      ?= -O2
CFLAGS_COMMON := -std=c17 -D_GNU_SOURCE -g $(OPT) -fno-strict-aliasing -Isrc -I$(LLHTTP)/include $(PKG_CFLAGS)
ifeq ($(SAN),1)
  CFLAGS_COMMON += -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
  LDSAN := -fsanitize=address,undefined
endif
WARN     := -Wall -Wextra -Werror -Wno-unused-parameter -Wshadow -Wstrict-prototypes
CFLAGS   += $(CFLAGS_COMMON) $(WARN)
LDLIBS   := $(PKG_LIBS) -lm -lpthread

SRCS      := $(shell find src -name '*.c' | sort)
LIB_SRCS  := $(filter-out src/main.c,$(SRCS))
LIB_OBJS  := $(LIB_SRCS:%.c=$(BUILD)/obj/%.o)
LLHTTP_SRCS := $(LLHTTP)/src/api.c $(LLHTTP)/src/http.c $(LLHTTP)/src/llhttp.c
LLHTTP_OBJS := $(BUILD)/obj/llhttp/api.o $(BUILD)/obj/llhttp/http.o $(BUILD)/obj/llhttp/llhttp.o
UNIT_SRCS := $(wildcard tests/unit/test_*.c)
UNIT_BINS := $(UNIT_SRCS:tests/unit/%.c=$(BUILD)/tests/%)
# Tests that need a PostgreSQL server: built with the unit tests but kept out
# of build/tests (run-unit.sh runs everything there); the Node test
# tests/integration/postgres.test.mjs starts a cluster and runs them, and
# build/tests/test_store --postgres CONNINFO (the store contract) against it.
PG_TEST_SRCS := $(wildcard tests/postgres/*.c)
PG_TEST_BINS := $(PG_TEST_SRCS:tests/postgres/%.c=$(BUILD)/postgres/%)

.PHONY: all run setup test unit check-unit asan fuzz fuzz-build bench clean format
all: $(BUILD)/twins

$(LLHTTP)/src/llhttp.c:
	@scripts/setup.sh --llhttp-only

$(BUILD)/obj/%.o: %.c | $(LLHTTP)/src/llhttp.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -MMD -MP -c $< -o $@

# llhttp is Debian's generated C; compile it without our warning set.
$(BUILD)/obj/llhttp/%.o: $(LLHTTP)/src/%.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_COMMON) -w -c $< -o $@

$(BUILD)/libtwins.a: $(LIB_OBJS) $(LLHTTP_OBJS)
	@rm -f $@
	ar rcs $@ $^

$(BUILD)/twins: $(BUILD)/obj/src/main.o $(BUILD)/libtwins.a
	$(CC) $(LDSAN) -o $@ $^ $(LDLIBS)

$(BUILD)/tests/%: tests/unit/%.c $(BUILD)/libtwins.a $(wildcard tests/unit/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -Itests/unit -o $@ $< $(BUILD)/libtwins.a $(LDSAN) $(LDLIBS) -lcmocka -ljansson

$(BUILD)/postgres/%: tests/postgres/%.c $(BUILD)/libtwins.a $(wildcard tests/unit/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -Itests/unit -o $@ $< $(BUILD)/libtwins.a $(LDSAN) $(LDLIBS) -lcmocka -ljansson

unit: $(UNIT_BINS) $(PG_TEST_BINS)

check-unit: unit
	@scripts/run-unit.sh $(BUILD)/tests

asan:
	$(MAKE) BUILD=build/asan SAN=1 OPT=-O1 all unit

fuzz-build:
	@scripts/fuzz.sh --build-only

fuzz:
	@scripts/fuzz.sh $${FUZZ_SECONDS:-10}

setup:
	@scripts/setup.sh

# A fresh make after setup: PKG_CFLAGS/PKG_LIBS above were read before setup
# installed pkg-config and the libraries.
run: setup
	@$(MAKE) --no-print-directory all
	./$(BUILD)/twins serve $(ARGS)

test:
	@scripts/test.sh

bench: all
	@bench/run.sh

clean:
	rm -rf build

-include $(shell find $(BUILD)/obj -name '*.d' 2>/dev/null)
