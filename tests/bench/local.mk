## tests/bench/local.mk - make bench: wardwatch -r against a bare
## libpcap read loop on two large generated captures (a mixed one and a
## hospital-scale one), timed in the same run.  A report, never a test:
## see tests/bench/README.md.
##
##   make bench [BENCH_SIZE_MB=300] [BENCH_FLOWS=50000]
##              [BENCH_HOSP_SIZE_MB=300] [BENCH_HOSP_FLOWS=20000]
##              [BENCH_DEVICES=5000] [BENCH_SCENARIOS="bench hospital"]
##              [BENCH_REPEAT=1] [BENCH_PCAP=file] [BENCH_COMPARE=binary]
##              [BENCH_PEERS=1] [BENCH_RULES=feed.rules]
##
## The captures are kept in tests/bench/data/ and reused; make
## bench-clean removes them.

## Built with everything else, so that warnings in them show up at once.
noinst_PROGRAMS += tests/bench/barecount tests/bench/runstat \
	tests/bench/blmem tests/bench/churngen
tests_bench_barecount_SOURCES = tests/bench/barecount.c
tests_bench_barecount_LDADD = $(PCAP_LIBS)
tests_bench_runstat_SOURCES = tests/bench/runstat.c
tests_bench_blmem_SOURCES = tests/bench/blmem.c
tests_bench_churngen_SOURCES = tests/bench/churngen.c
tests_bench_blmem_LDADD = $(WW_LIBS)

EXTRA_DIST += tests/bench/run-bench.sh tests/bench/README.md \
	tests/bench/baseline-mem.sh tests/bench/siem-bench.sh \
	tests/bench/churn.sh tests/bench/live-bench.sh \
	tests/bench/continued.sh

BENCH_SIZE_MB = 300
BENCH_FLOWS = 50000
BENCH_HOSP_SIZE_MB = 300
BENCH_HOSP_FLOWS = 20000
BENCH_DEVICES = 5000
BENCH_SCENARIOS = bench hospital
BENCH_REPEAT = 1
BENCH_PCAP =
BENCH_COMPARE =
BENCH_PEERS = 0
BENCH_RULES =

## pcapgen is only needed to generate a capture, so it is built in the
## recipe rather than listed as a prerequisite: BENCH_PCAP=file works
## without it.
bench: wardwatch$(EXEEXT) tests/bench/barecount$(EXEEXT) \
    tests/bench/runstat$(EXEEXT)
	@if test -z '$(BENCH_PCAP)'; then \
	    $(MAKE) $(AM_MAKEFLAGS) pcaps/gen/pcapgen$(EXEEXT) || { \
	    echo "bench: no pcaps/gen/pcapgen; give BENCH_PCAP=file" >&2; \
	    exit 1; }; \
	fi
	@top_srcdir='$(abs_top_srcdir)' top_builddir='$(abs_top_builddir)' \
	    BENCH_SIZE_MB='$(BENCH_SIZE_MB)' BENCH_FLOWS='$(BENCH_FLOWS)' \
	    BENCH_HOSP_SIZE_MB='$(BENCH_HOSP_SIZE_MB)' \
	    BENCH_HOSP_FLOWS='$(BENCH_HOSP_FLOWS)' \
	    BENCH_DEVICES='$(BENCH_DEVICES)' \
	    BENCH_SCENARIOS='$(BENCH_SCENARIOS)' \
	    BENCH_REPEAT='$(BENCH_REPEAT)' BENCH_PCAP='$(BENCH_PCAP)' \
	    BENCH_COMPARE='$(BENCH_COMPARE)' BENCH_PEERS='$(BENCH_PEERS)' \
	    BENCH_RULES='$(BENCH_RULES)' \
	    $(SHELL) $(top_srcdir)/tests/bench/run-bench.sh

## The baselines' memory at hospital scale: learn on one day of
## pcapgen's hospital-baseline capture, enforce on the next.
##   make bench-baseline [BENCH_BASELINE_DEVICES=10000]
##                       [BENCH_BASELINE_PEERS=40]
BENCH_BASELINE_DEVICES = 10000
BENCH_BASELINE_PEERS = 40

bench-baseline: wardwatch$(EXEEXT) tests/bench/runstat$(EXEEXT) \
    pcaps/gen/pcapgen$(EXEEXT)
	@top_srcdir='$(abs_top_srcdir)' top_builddir='$(abs_top_builddir)' \
	    BENCH_BASELINE_DEVICES='$(BENCH_BASELINE_DEVICES)' \
	    BENCH_BASELINE_PEERS='$(BENCH_BASELINE_PEERS)' \
	    $(SHELL) $(top_srcdir)/tests/bench/baseline-mem.sh

## What the SIEM outputs cost (syslog over TCP, Redis) against the EVE
## file alone; needs rsyslog and redis-server.
bench-siem: wardwatch$(EXEEXT) tests/bench/runstat$(EXEEXT)
	@if test -z '$(BENCH_PCAP)'; then \
	    $(MAKE) $(AM_MAKEFLAGS) pcaps/gen/pcapgen$(EXEEXT) || exit 1; \
	fi
	@top_srcdir='$(abs_top_srcdir)' top_builddir='$(abs_top_builddir)' \
	    BENCH_REPEAT='$(BENCH_REPEAT)' BENCH_PCAP='$(BENCH_PCAP)' \
	    $(SHELL) $(top_srcdir)/tests/bench/siem-bench.sh

## Live capture speed: a veth pair in a network namespace, tcpreplay
## at increasing rates; the highest rate without a kernel drop.  As root.
##   make bench-live [LIVE_SIZE_MB=100] [LIVE_FLOWS=20000]
##                   [LIVE_RATES="100 250 500 750 1000 1500 2000 max"]
##                   [LIVE_WORKERS=n] [LIVE_ARGS="-c my.yaml"] [LIVE_PCAP=f]
##                   [LIVE_MODES="single fanout"]
LIVE_SIZE_MB = 100
LIVE_FLOWS = 20000
LIVE_RATES = 100 250 500 750 1000 1500 2000 max
LIVE_WORKERS =
LIVE_MODES = single fanout
LIVE_ARGS =
LIVE_PCAP =

bench-live: wardwatch$(EXEEXT)
	@if test -z '$(LIVE_PCAP)'; then \
	    $(MAKE) $(AM_MAKEFLAGS) pcaps/gen/pcapgen$(EXEEXT) || exit 1; \
	fi
	@top_srcdir='$(abs_top_srcdir)' top_builddir='$(abs_top_builddir)' \
	    LIVE_SIZE_MB='$(LIVE_SIZE_MB)' LIVE_FLOWS='$(LIVE_FLOWS)' \
	    LIVE_RATES='$(LIVE_RATES)' LIVE_WORKERS='$(LIVE_WORKERS)' \
	    LIVE_MODES='$(LIVE_MODES)' \
	    LIVE_ARGS='$(LIVE_ARGS)' LIVE_PCAP='$(LIVE_PCAP)' \
	    $(SHELL) $(top_srcdir)/tests/bench/live-bench.sh

## A continued run (--state with a hospital's inventory) against the
## same run on a fresh state and the bare loop.
##   make bench-continued [BENCH_CONT_DEVICES=5000] [BENCH_CONT_BIG_MB=100]
##                        [BENCH_CONT_SMALL_MB=20] [BENCH_COMPARE=binary]
BENCH_CONT_DEVICES = 5000
BENCH_CONT_BIG_MB = 100
BENCH_CONT_SMALL_MB = 20

bench-continued: wardwatch$(EXEEXT) tests/bench/barecount$(EXEEXT) \
    tests/bench/runstat$(EXEEXT) pcaps/gen/pcapgen$(EXEEXT)
	@top_srcdir='$(abs_top_srcdir)' top_builddir='$(abs_top_builddir)' \
	    BENCH_CONT_DEVICES='$(BENCH_CONT_DEVICES)' \
	    BENCH_CONT_BIG_MB='$(BENCH_CONT_BIG_MB)' \
	    BENCH_CONT_SMALL_MB='$(BENCH_CONT_SMALL_MB)' \
	    BENCH_REPEAT='$(BENCH_REPEAT)' BENCH_COMPARE='$(BENCH_COMPARE)' \
	    $(SHELL) $(top_srcdir)/tests/bench/continued.sh

bench-clean:
	rm -rf tests/bench/data

.PHONY: bench bench-baseline bench-clean bench-siem bench-live \
	bench-continued

# Issue 14 item 8: RSS under a long churn of short flows (a report).
#   make bench-churn [CHURN_FLOWS=10000000]
CHURN_FLOWS = 10000000
bench-churn: wardwatch$(EXEEXT) tests/bench/churngen$(EXEEXT)
	$(SHELL) $(top_srcdir)/tests/bench/churn.sh $(CHURN_FLOWS) ./wardwatch$(EXEEXT) \
	    ./tests/bench/churngen$(EXEEXT)
.PHONY: bench-churn
