# SPDX-License-Identifier: GPL-2.0-or-later
#
# smsmatch - build, test, fuzz, format, install.
#
#   make            build/smsmatch, build/smsmatchd, build/smsmatch-modemsim
#   make check      every test, then every test again under ASan + UBSan
#   make check-llama the LLM client against a real llama-server (tests/llama)
#   make demo       a whole campaign on two simulated modems (~50 s)
#   make deps       install the missing Debian packages (make calls it)
#   make fuzz       each fuzz target for FUZZ_SECONDS (libFuzzer, clang)
#   make bench      the benchmarks under bench/
#   make format     clang-format over the sources
#   make install    programs, man pages, /etc/smsmatch, systemd unit, udev
#                   rules (PREFIX, DESTDIR...; scripts/install.sh)
#   make uninstall  what install added (its manifest); never the data
#
# Everything is built out of tree in $(BUILD).  SAN=1 builds with the
# sanitizers (make check does that in build/san).

SHELL := /bin/bash
BUILD ?= build
SAN ?=
CC ?= cc
PREFIX ?= /usr/local
FUZZ_SECONDS ?= 30

# Debian packages behind these pkg-config names: scripts/install-deps.sh.
PKGS := libserialport gammu jansson libconfig sqlite3 xlsxwriter libcurl
TEST_PKGS := cmocka

ifeq ($(CC),cc)
CC := gcc
endif

# Quiet by default; `make V=1` prints every command.
ifeq ($(V),1)
Q :=
else
Q := @
endif

WARN := -Wall -Wextra -Werror -Wshadow -Wformat=2 -Wstrict-prototypes \
	-Wmissing-prototypes -Wno-unused-parameter
CFLAGS ?= -O2 -g
ALL_CFLAGS = -std=c11 -D_GNU_SOURCE $(WARN) $(CFLAGS) -Iinclude \
	$(SAN_FLAGS) $(shell pkg-config --cflags $(PKGS))
LIBS = $(shell pkg-config --libs $(PKGS)) -lm
TEST_LIBS = $(shell pkg-config --libs $(TEST_PKGS))

ifeq ($(SAN),1)
SAN_FLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer \
	-fno-sanitize-recover=all
endif

LIB_SRCS := $(sort $(wildcard src/*.c drivers/*/*.c))
CLI_SRCS := $(sort $(wildcard src/cli/*.c))
DAEMON_SRCS := $(sort $(wildcard src/daemon/*.c))
SIM_SRCS := $(sort $(wildcard tests/modemsim/*.c))
UNIT_SRCS := $(sort $(wildcard tests/unit/test_*.c))
TESTLIB_SRCS := $(sort $(wildcard tests/unit/lib/*.c))
FUZZ_SRCS := $(sort $(wildcard tests/fuzz/fuzz_*.c))
TOOL_SRCS := $(sort $(wildcard tests/tools/*.c))

obj = $(patsubst %.c,$(BUILD)/obj/%.o,$(1))

LIB := $(BUILD)/libsmsmatch.a
PROGS := $(BUILD)/smsmatch $(BUILD)/smsmatch-modemsim
ifneq ($(DAEMON_SRCS),)
PROGS += $(BUILD)/smsmatchd
endif
UNIT_BINS := $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(UNIT_SRCS))
FUZZ_REPLAY := $(patsubst tests/fuzz/%.c,$(BUILD)/tests/%-replay,$(FUZZ_SRCS))
TOOL_BINS := $(patsubst tests/tools/%.c,$(BUILD)/tests/tools/%,$(TOOL_SRCS))

DEPS_STAMP := $(BUILD)/.deps-ok

.PHONY: all check check-one deps fuzz bench format demo clean tests print-pkgs \
	install uninstall
.DEFAULT_GOAL := all
# Keep the objects of test programs (pattern-rule intermediates).
.SECONDARY:

all: $(PROGS)

# Install the missing Debian packages, once per build directory.
$(DEPS_STAMP):
	@mkdir -p $(BUILD)
	@scripts/install-deps.sh --check >/dev/null 2>&1 || scripts/install-deps.sh
	@touch $@

deps:
	scripts/install-deps.sh

$(BUILD)/obj/%.o: %.c | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(ALL_CFLAGS) -MMD -MP -c $< -o $@

$(LIB): $(call obj,$(LIB_SRCS))
	@rm -f $@
	$(Q)ar rcs $@ $^

$(BUILD)/smsmatch: $(call obj,$(CLI_SRCS)) $(LIB)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(ALL_CFLAGS) $^ $(LIBS) -o $@

$(BUILD)/smsmatchd: $(call obj,$(DAEMON_SRCS)) $(LIB)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(ALL_CFLAGS) $^ $(LIBS) -o $@

$(BUILD)/smsmatch-modemsim: $(call obj,$(SIM_SRCS)) $(LIB)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(ALL_CFLAGS) $^ $(LIBS) -o $@

$(BUILD)/tests/test_%: $(BUILD)/obj/tests/unit/test_%.o \
		$(call obj,$(TESTLIB_SRCS)) $(LIB)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(ALL_CFLAGS) $^ $(LIBS) $(TEST_LIBS) -o $@

# Small C programs the integration tests call (fixtures through the store
# API), linked like the unit tests.
$(BUILD)/tests/tools/%: $(BUILD)/obj/tests/tools/%.o \
		$(call obj,$(TESTLIB_SRCS)) $(LIB)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(ALL_CFLAGS) $^ $(LIBS) $(TEST_LIBS) -o $@

# Each fuzz target is also built with a plain main() that replays its seed
# corpus, so that make check runs the seeds under the sanitizers.
$(BUILD)/tests/fuzz_%-replay: $(BUILD)/obj/tests/fuzz/fuzz_%.o \
		$(BUILD)/obj/tests/fuzz/replay.o $(LIB)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(ALL_CFLAGS) $^ $(LIBS) -o $@

tests: $(PROGS) $(UNIT_BINS) $(FUZZ_REPLAY) $(TOOL_BINS)

# One pass of every test against the binaries in $(BUILD).
check-one: tests
	@BUILD=$(abspath $(BUILD)) SRCDIR=$(CURDIR) SAN=$(SAN) \
		tests/run.sh $(UNIT_BINS) -- $(FUZZ_REPLAY)

check: | $(DEPS_STAMP)
	@$(MAKE) --no-print-directory check-one
	@$(MAKE) --no-print-directory check-one BUILD=build/san SAN=1

# The LLM client against a real llama.cpp llama-server on loopback
# (tests/llama/README.md).  Not part of make check: the server is built once
# per machine (scripts/llama-server.sh, cached outside the tree).
.PHONY: check-llama
check-llama: all $(BUILD)/tests/tools/llm-request
	@scripts/llama-server.sh >/dev/null
	@fail=0; for t in tests/llama/*.sh; do \
		echo "RUN $$t"; \
		BUILD=$(abspath $(BUILD)) SRCDIR=$(CURDIR) bash $$t || fail=1; \
	done; exit $$fail

# libFuzzer builds need clang; they live in build/fuzz.
FUZZ_CFLAGS = -std=c11 -D_GNU_SOURCE -g -O1 -Iinclude \
	-fsanitize=fuzzer,address,undefined $(shell pkg-config --cflags $(PKGS))
FUZZ_BINS := $(patsubst tests/fuzz/%.c,build/fuzz/%,$(FUZZ_SRCS))

build/fuzz/fuzz_%: tests/fuzz/fuzz_%.c $(LIB_SRCS) | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	clang $(FUZZ_CFLAGS) $< $(LIB_SRCS) $(LIBS) -o $@

fuzz: $(FUZZ_BINS)
	@set -e; for f in $(FUZZ_BINS); do \
		name=$$(basename $$f); seeds=tests/fuzz/seeds/$${name#fuzz_}; \
		work=build/fuzz/corpus-$${name#fuzz_}; mkdir -p $$work; \
		echo "== $$name for $(FUZZ_SECONDS)s"; \
		$$f -max_total_time=$(FUZZ_SECONDS) -max_len=4096 \
			-print_final_stats=1 $$work $$seeds 2>&1 | \
			grep -E 'Done|stat::number_of_executed_units|ERROR|SUMMARY' ; \
		test $${PIPESTATUS[0]} -eq 0; \
	done

bench: all
	@for b in bench/*.sh; do [ -x "$$b" ] && BUILD=$(abspath $(BUILD)) $$b; done; true

demo: all
	@BUILD=$(abspath $(BUILD)) scripts/demo.sh

# make install [DESTDIR=...] [PREFIX=/usr]: scripts/install.sh does the work
# (a manifest for uninstall; configuration never overwritten once edited;
# as root without DESTDIR also the smsmatch user, /var/lib/smsmatch and
# the database).  GZIP_MAN=1 compresses the man pages.
BINDIR ?= $(PREFIX)/bin
SBINDIR ?= $(PREFIX)/sbin
MANDIR ?= $(PREFIX)/share/man
DOCDIR ?= $(PREFIX)/share/doc/smsmatch
DATADIR ?= $(PREFIX)/share/smsmatch
SYSCONFDIR ?= /etc
STATEDIR ?= /var/lib/smsmatch
ifeq ($(PREFIX),/usr)
UNITDIR ?= /usr/lib/systemd/system
UDEVRULESDIR ?= /usr/lib/udev/rules.d
else
UNITDIR ?= /etc/systemd/system
UDEVRULESDIR ?= /etc/udev/rules.d
endif
INSTALL_ENV = DESTDIR='$(DESTDIR)' PREFIX='$(PREFIX)' BINDIR='$(BINDIR)' \
	SBINDIR='$(SBINDIR)' MANDIR='$(MANDIR)' DOCDIR='$(DOCDIR)' \
	DATADIR='$(DATADIR)' SYSCONFDIR='$(SYSCONFDIR)' STATEDIR='$(STATEDIR)' \
	UNITDIR='$(UNITDIR)' UDEVRULESDIR='$(UDEVRULESDIR)' GZIP_MAN='$(GZIP_MAN)'

install: all
	@$(INSTALL_ENV) scripts/install.sh install $(BUILD)

uninstall:
	@$(INSTALL_ENV) scripts/install.sh uninstall

format:
	clang-format -i $$(git ls-files '*.c' '*.h')

# The pkg-config packages libsmsmatch.a needs, for the benchmarks that
# link against it.
print-pkgs:
	@echo $(PKGS)

clean:
	rm -rf build

-include $(shell find $(BUILD)/obj -name '*.d' 2>/dev/null)
