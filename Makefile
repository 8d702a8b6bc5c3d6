# crmkit: a plain Makefile.  `make demo` and `make check` install missing
# Debian build dependencies first (see the deps target), so both work on a
# fresh machine.

PREFIX  ?= /usr/local
BINDIR  ?= $(PREFIX)/bin
MANDIR  ?= $(PREFIX)/share/man
DATADIR ?= $(PREFIX)/share/crmkit
COMPDIR ?= $(PREFIX)/share/bash-completion/completions
DESTDIR ?=

VERSION = 0.1.0

CC      ?= cc
CFLAGS  ?= -O2 -g
WARN     = -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes
CPPFLAGS_ALL = -std=c11 -D_GNU_SOURCE -Ilib -DCRM_VERSION='"$(VERSION)"' \
	-DCRM_DATADIR='"$(DATADIR)"' -DCRM_SRCDIR='"$(CURDIR)"' $(CPPFLAGS)
LDLIBS_ALL = -lcsv -lpcre2-8 -lm -pthread $(LDLIBS)

ifeq ($(SANITIZE),1)
BUILD    = build/san
SANFLAGS = -fsanitize=address,undefined -fno-omit-frame-pointer \
	-fno-sanitize-recover=all
else
BUILD    = build/rel
SANFLAGS =
endif

LIB_SRC  = $(wildcard lib/*.c)
LIB_OBJ  = $(LIB_SRC:lib/%.c=$(BUILD)/lib/%.o)
LIBA     = $(BUILD)/libcrm.a
CMD_SRC  = $(wildcard cmd/*.c)
PROGS    = $(CMD_SRC:cmd/%.c=$(BUILD)/bin/%)
TOOL_SRC = $(wildcard tools/*.c)
TOOLS    = $(TOOL_SRC:tools/%.c=$(BUILD)/tools/%)
UNIT_SRC = $(wildcard tests/unit/*.c)
UNITS    = $(UNIT_SRC:tests/unit/%.c=$(BUILD)/unit/%)
MANS     = $(wildcard man/*.[1-9])
FUZZ_SRC = $(filter-out fuzz/replay.c,$(wildcard fuzz/*.c))
REPLAYS  = $(FUZZ_SRC:fuzz/%.c=$(BUILD)/fuzz/%)

# Debian packages the build and the tests need; `make deps` installs the
# missing ones (apt-get, through sudo when not root).
DEPS_BUILD = gcc make libc6-dev libcsv-dev libpcre2-dev
DEPS_TEST  = bats bats-support bats-assert parallel gawk mandoc libxml2-utils \
	openssh-server openssh-client rsync chromium python3-pil locales
DEPS_BENCH = miller datamash sqlite3 csvkit hyperfine gawk parallel time \
	python3-pandas
DEPS_FUZZ  = clang libclang-rt-14-dev

.PHONY: all deps deps-bench deps-fuzz check unit demo install uninstall \
	clean lint bench fuzz triage-eval

all: $(PROGS) $(TOOLS)

deps:
	@sh tools/deps.sh $(DEPS_BUILD) $(DEPS_TEST)

deps-bench:
	@sh tools/deps.sh $(DEPS_BUILD) $(DEPS_BENCH)
	@sh tools/bench-peers.sh build/bench-node || true

deps-fuzz:
	@sh tools/deps.sh $(DEPS_BUILD) $(DEPS_FUZZ)

$(BUILD)/lib/%.o: lib/%.c $(wildcard lib/*.h)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS_ALL) $(WARN) $(CFLAGS) $(SANFLAGS) -c -o $@ $<

$(LIBA): $(LIB_OBJ)
	@rm -f $@
	$(AR) rcs $@ $(LIB_OBJ)

$(BUILD)/bin/%: cmd/%.c $(LIBA) $(wildcard lib/*.h)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS_ALL) $(WARN) $(CFLAGS) $(SANFLAGS) -o $@ $< $(LIBA) \
		$(LDFLAGS) $(LDLIBS_ALL)

$(BUILD)/tools/%: tools/%.c $(LIBA) $(wildcard lib/*.h)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS_ALL) $(WARN) $(CFLAGS) $(SANFLAGS) -o $@ $< $(LIBA) \
		$(LDFLAGS) $(LDLIBS_ALL)

$(BUILD)/unit/%: tests/unit/%.c $(wildcard tests/unit/*.h) $(LIBA) $(wildcard lib/*.h)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS_ALL) -Itests/unit $(WARN) $(CFLAGS) $(SANFLAGS) -o $@ $< \
		$(LIBA) $(LDFLAGS) $(LDLIBS_ALL)

$(BUILD)/fuzz/%: fuzz/%.c fuzz/replay.c $(LIBA) $(wildcard lib/*.h)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS_ALL) $(WARN) $(CFLAGS) $(SANFLAGS) -o $@ $< fuzz/replay.c \
		$(LIBA) $(LDFLAGS) $(LDLIBS_ALL)

# The fault-injection shim is a plain shared object, never sanitized: it
# sits under the programs, whichever build they come from.
$(BUILD)/fault.so: tests/fault/fault.c
	@mkdir -p $(@D)
	$(CC) -std=c11 -D_GNU_SOURCE $(WARN) -O2 -fPIC -shared \
		$(if $(SANFLAGS),-DFAULT_NO_MALLOC) -o $@ $< -ldl

unit: $(UNITS) $(REPLAYS) $(BUILD)/fault.so

check: deps
	@$(MAKE) --no-print-directory all unit
	@CRM_BUILD=$(BUILD) sh tests/run

demo: deps
	@$(MAKE) --no-print-directory all
	@CRM_BUILD=$(BUILD) sh demo/run

lint:
	mandoc -T lint -W warning $(MANS)
	shellcheck -S warning -s sh tools/deps.sh tools/bench-peers.sh tools/triage-eval.sh tests/run demo/run fuzz/run \
		bench/run bench/*.sh
	$(MAKE) --no-print-directory clean-objs
	$(MAKE) --no-print-directory CFLAGS='-O2 -g -Werror' all unit

clean-objs:
	rm -rf $(BUILD)

bench: deps-bench
	@$(MAKE) --no-print-directory all unit
	@CRM_BUILD=$(BUILD) sh bench/run

# How the default complaint rules do on the labelled development corpus,
# then the rules with the learned fallback under 5-fold cross-validation.
triage-eval: deps
	@$(MAKE) --no-print-directory all
	@sh tools/triage-eval.sh $(BUILD)/bin
	@echo
	@echo "rules + model (--model, --min-confidence 0.5), 5-fold:"
	@TRIAGE_EVAL_FOLDS=5 sh tools/triage-eval.sh $(BUILD)/bin

fuzz: deps-fuzz
	@FUZZ_SECONDS=$(SECONDS) sh fuzz/run

install: all
	mkdir -p $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 \
		$(DESTDIR)$(MANDIR)/man5 $(DESTDIR)$(MANDIR)/man7 \
		$(DESTDIR)$(DATADIR)
	for p in $(PROGS); do install -m 755 $$p $(DESTDIR)$(BINDIR); done
	for m in $(MANS); do s=$${m##*.}; \
		install -m 644 $$m $(DESTDIR)$(MANDIR)/man$$s; done
	for f in share/*; do [ -f "$$f" ] && \
		install -m 644 $$f $(DESTDIR)$(DATADIR); done; true
	mkdir -p $(DESTDIR)$(COMPDIR)
	for p in $(PROGS); do install -m 644 completion/crmkit.bash \
		$(DESTDIR)$(COMPDIR)/$${p##*/}; done

uninstall:
	for p in $(PROGS); do rm -f $(DESTDIR)$(BINDIR)/$${p##*/}; done
	for m in $(MANS); do s=$${m##*.}; \
		rm -f $(DESTDIR)$(MANDIR)/man$$s/$${m##*/}; done
	rm -rf $(DESTDIR)$(DATADIR)
	for p in $(PROGS); do rm -f $(DESTDIR)$(COMPDIR)/$${p##*/}; done

clean:
	rm -rf build
