## tests/fuzz/local.mk

## fuzz-config: the YAML configuration loader.  config.c, cfgyaml.c and
## util.c are compiled again with the fuzzer's coverage instrumentation;
## their objects take precedence over libwardwatch.a's copies.
if ENABLE_FUZZ
noinst_PROGRAMS += tests/fuzz/fuzz-config
tests_fuzz_fuzz_config_SOURCES = tests/fuzz/fuzz-config.c src/config.c \
	src/cfgyaml.c src/util.c
tests_fuzz_fuzz_config_CFLAGS = $(AM_CFLAGS) -fsanitize=fuzzer
tests_fuzz_fuzz_config_LDFLAGS = $(AM_LDFLAGS) -fsanitize=fuzzer
tests_fuzz_fuzz_config_LDADD = $(WW_LIBS)
endif
