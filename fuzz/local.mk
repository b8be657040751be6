# libFuzzer targets, one per parser, built from the same convenience
# libraries as the programs.  Two ways:
#  - always: linked with fuzz/standalone.c and run over fuzz/seeds/NAME by
#    `make check` (fuzz/seeds.sh), so a broken target fails the build;
#  - `./configure CC=clang --enable-fuzzing`: linked with libFuzzer, and
#    `make fuzz [FUZZ_SECONDS=20] [FUZZ_TARGETS="state config"]` fuzzes
#    each for FUZZ_SECONDS, corpus and findings in fuzz-out/NAME/.
FUZZ_TARGETS_ALL = base32 otpauth state config gate_args import logq grace \
	scan request
FUZZ_PROGS = fuzz/fuzz_base32 fuzz/fuzz_otpauth fuzz/fuzz_state \
	fuzz/fuzz_config fuzz/fuzz_gate_args fuzz/fuzz_import fuzz/fuzz_logq \
	fuzz/fuzz_grace fuzz/fuzz_scan fuzz/fuzz_request
check_PROGRAMS += $(FUZZ_PROGS)
if FUZZING
FUZZ_MAIN =
FUZZ_LINK = -fsanitize=fuzzer
else
FUZZ_MAIN = fuzz/standalone.c
FUZZ_LINK =
endif
FUZZ_INCLUDES = $(AM_CPPFLAGS) -I$(top_srcdir)/tools
FUZZ_LINKFLAGS = $(AM_LDFLAGS) $(FUZZ_LINK) -no-install
FUZZ_CORE = lib/libcredgate_tools.la $(CRYPTO_LIBS)

fuzz_fuzz_base32_SOURCES = fuzz/fuzz_base32.c $(FUZZ_MAIN)
fuzz_fuzz_base32_LDADD = $(FUZZ_CORE)
fuzz_fuzz_base32_LDFLAGS = $(FUZZ_LINKFLAGS)
fuzz_fuzz_otpauth_SOURCES = fuzz/fuzz_otpauth.c $(FUZZ_MAIN)
fuzz_fuzz_otpauth_LDADD = $(FUZZ_CORE)
fuzz_fuzz_otpauth_LDFLAGS = $(FUZZ_LINKFLAGS)
fuzz_fuzz_state_SOURCES = fuzz/fuzz_state.c $(FUZZ_MAIN)
fuzz_fuzz_state_LDADD = $(FUZZ_CORE)
fuzz_fuzz_state_LDFLAGS = $(FUZZ_LINKFLAGS)
fuzz_fuzz_grace_SOURCES = fuzz/fuzz_grace.c $(FUZZ_MAIN)
fuzz_fuzz_grace_LDADD = $(FUZZ_CORE)
fuzz_fuzz_grace_LDFLAGS = $(FUZZ_LINKFLAGS)
fuzz_fuzz_config_SOURCES = fuzz/fuzz_config.c $(FUZZ_MAIN)
fuzz_fuzz_config_LDADD = $(FUZZ_CORE)
fuzz_fuzz_config_LDFLAGS = $(FUZZ_LINKFLAGS)
fuzz_fuzz_request_SOURCES = fuzz/fuzz_request.c $(FUZZ_MAIN)
fuzz_fuzz_request_LDADD = $(FUZZ_CORE)
fuzz_fuzz_request_LDFLAGS = $(FUZZ_LINKFLAGS)
fuzz_fuzz_gate_args_SOURCES = fuzz/fuzz_gate_args.c $(FUZZ_MAIN)
fuzz_fuzz_gate_args_CPPFLAGS = $(FUZZ_INCLUDES)
fuzz_fuzz_gate_args_LDADD = tools/libgate.la
fuzz_fuzz_gate_args_LDFLAGS = $(FUZZ_LINKFLAGS)
fuzz_fuzz_import_SOURCES = fuzz/fuzz_import.c $(FUZZ_MAIN)
fuzz_fuzz_import_CPPFLAGS = $(FUZZ_INCLUDES)
fuzz_fuzz_import_LDADD = tools/libenroll.la
fuzz_fuzz_import_LDFLAGS = $(FUZZ_LINKFLAGS)
fuzz_fuzz_logq_SOURCES = fuzz/fuzz_logq.c $(FUZZ_MAIN)
fuzz_fuzz_logq_CPPFLAGS = $(FUZZ_INCLUDES)
fuzz_fuzz_logq_LDADD = tools/libenroll.la
fuzz_fuzz_logq_LDFLAGS = $(FUZZ_LINKFLAGS)
fuzz_fuzz_scan_SOURCES = fuzz/fuzz_scan.c $(FUZZ_MAIN)
fuzz_fuzz_scan_CPPFLAGS = $(FUZZ_INCLUDES)
fuzz_fuzz_scan_LDADD = tools/libenroll.la
fuzz_fuzz_scan_LDFLAGS = $(FUZZ_LINKFLAGS)

TESTS += fuzz/seeds.sh
EXTRA_DIST += fuzz/seeds.sh fuzz/standalone.c fuzz/seeds

FUZZ_SECONDS = 20
FUZZ_TARGETS = $(FUZZ_TARGETS_ALL)
fuzz-list:
	@echo $(FUZZ_TARGETS_ALL)
fuzz-progs:
	@echo $(FUZZ_PROGS)
if FUZZING
# One line per target, "PASS: fuzz: NAME" or "FAIL: fuzz: NAME" (with the
# tail of its log), for scripts/test to count; exit status 1 if any failed.
fuzz: $(FUZZ_PROGS)
	@rc=0; for t in $(FUZZ_TARGETS); do \
	  d=fuzz-out/$$t; mkdir -p $$d/corpus; \
	  if (cd $$d && ../../fuzz/fuzz_$$t -max_total_time=$(FUZZ_SECONDS) \
	        -max_len=8192 -timeout=10 -print_final_stats=1 \
	        corpus '$(abs_top_srcdir)/fuzz/seeds/'$$t >fuzz.log 2>&1); then \
	    echo "PASS: fuzz: $$t"; \
	    grep -E '^stat::number_of_executed_units' $$d/fuzz.log || :; \
	  else \
	    echo "FAIL: fuzz: $$t (findings in $$d)"; tail -n 40 $$d/fuzz.log; rc=1; \
	  fi; \
	done; exit $$rc
else
fuzz:
	@echo "make fuzz needs: ./configure CC=clang --enable-fuzzing" >&2; exit 1
endif
clean-local: fuzz-clean
fuzz-clean:
	rm -rf fuzz-out
.PHONY: fuzz fuzz-list fuzz-progs fuzz-clean
