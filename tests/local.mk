## tests/local.mk - pcap regressions, corpus, live and invariance tests.

TESTS += tests/run-regress.sh tests/workers-invariance.sh \
	tests/corpus.sh tests/live-capture.sh tests/cli.sh tests/manlint.sh tests/events-doc.sh \
	tests/docrefs.sh tests/privacy.sh tests/reader.sh tests/output-faults.sh \
	tests/summary.sh tests/eve-schema.sh tests/rules.sh \
	tests/iomt-rules.sh tests/smb-corpus.sh tests/evasion.sh \
	tests/smb-inventory.sh tests/sv-rules.sh tests/et-open.sh \
	tests/memcap.sh tests/baseline-days.sh tests/baseline.sh \
	tests/siem.sh tests/siem-relp.sh tests/verify.sh tests/alert-hygiene.sh \
	tests/file-safety.sh tests/sandbox.sh tests/reload.sh \
	tests/daemon.sh tests/capture-health.sh tests/privacy-pseudonyms.sh
EXTRA_DIST += tests/run-regress.sh tests/workers-invariance.sh tests/reader.sh \
	tests/corpus.sh tests/live-capture.sh tests/cli.sh tests/manlint.sh \
	tests/events-doc.sh tests/docrefs.sh tests/privacy.sh tests/privacy.py \
	tests/privacy-pseudonyms.sh \
	tests/eve-validate.py tests/sv-truth.py tests/regress \
	tests/output-faults.sh tests/summary.sh tests/eve-schema.sh \
	tests/rules.sh \
	tests/iomt-rules.sh tests/iomt-rules.tsv rules/iomt.rules \
	tests/smb-corpus.sh tests/evasion.sh tests/smb-inventory.sh \
	tests/sv-rules.sh tests/et-open.sh tests/memcap.sh tests/floodgen.py \
	tests/baseline-days.sh tests/days-score.py tests/days.yaml \
	pcaps/ward-days.truth tests/baseline.sh \
	tests/siem.sh tests/siem-relp.sh tests/verify.sh tests/pcap-trickle.py \
	tests/alert-hygiene.sh \
	tests/file-safety.sh tests/sandbox.sh tests/reload.sh tests/daemon.sh \
	tests/capture-health.sh tests/spangen.py tests/netns.sh

# Rewrite the golden files (all, or NAME=name); review the diff.
regress-update: wardwatch
	UPDATE=1 NAME='$(NAME)' top_srcdir='$(abs_top_srcdir)' \
	    top_builddir='$(abs_top_builddir)' \
	    $(SHELL) $(top_srcdir)/tests/run-regress.sh
.PHONY: regress-update

# The inventory a run leaves, field by field, against golden files
# (tests/regress/inventory): the state's writer changes for speed,
# what it stores must not.
TESTS += tests/inventory-golden.sh
EXTRA_DIST += tests/inventory-golden.sh tests/golden.sh
inventory-update: wardwatch pcaps/gen/pcapgen
	UPDATE=1 top_srcdir='$(abs_top_srcdir)' \
	    top_builddir='$(abs_top_builddir)' \
	    $(SHELL) $(top_srcdir)/tests/inventory-golden.sh
.PHONY: inventory-update

# The Redis output stores every record exactly once.
TESTS += tests/siem-redis.sh
EXTRA_DIST += tests/siem-redis.sh

# The events waiting for the device brain stay within their bound.
TESTS += tests/brain-queue.sh
EXTRA_DIST += tests/brain-queue.sh
TESTS += tests/brain-parts.sh
EXTRA_DIST += tests/brain-parts.sh

# A closed TCP session keeps its late packets (closed timeout 0).
TESTS += tests/flow-close.sh
EXTRA_DIST += tests/flow-close.sh

# Gateways, subnets and broadcast addresses kept across runs.
TESTS += tests/net-state.sh
EXTRA_DIST += tests/net-state.sh

# Zero-trust policy on generated captures (pcapgen policy).
TESTS += tests/policy.sh
EXTRA_DIST += tests/policy.sh

# The Debian package: built from the working tree in a scratch copy
# (about two minutes here), lintian-checked; deb-check also installs it
# with dpkg -i, checks it and purges it, then boots systemd as PID 1 in
# namespaces on an overlay of the root and runs the unit under it.  Not
# part of check: it changes the machine (build-aux/check runs it after
# the test suites).
deb:
	$(SHELL) $(top_srcdir)/build-aux/deb.sh $(abs_top_builddir)/deb
deb-check: deb
	DEB="$$(ls $(abs_top_builddir)/deb/wardwatch_*.deb | \
	    grep -v dbgsym | tail -1)" \
	    $(SHELL) $(top_srcdir)/tests/deb-install.sh
	DEB="$$(ls $(abs_top_builddir)/deb/wardwatch_*.deb | \
	    grep -v dbgsym | tail -1)" PCAP=$(abs_top_srcdir)/pcaps/ward.pcap \
	    $(SHELL) $(top_srcdir)/tests/deb-systemd.sh
.PHONY: deb deb-check

# The offline assessment (wardwatch report).
TESTS += tests/report.sh tests/findings.sh
EXTRA_DIST += tests/report.sh tests/report/ward.md tests/findings.sh

# A record the RELP collector answers with an error is dropped, not sent.
TESTS += tests/relp-errors.sh
EXTRA_DIST += tests/relp-errors.sh

# Policy sets in the state: one over its size limit keeps no other
# device's out; a wider fan-out alone is saved.
TESTS += tests/policy-save.sh
EXTRA_DIST += tests/policy-save.sh

# The communication map (inventory --peers, peers in records, caps).
TESTS += tests/peers.sh
EXTRA_DIST += tests/peers.sh

# Issue 14 item 5: capture.mode fanout against the single reader, and
# the capture health and reload tests again with fan-out.
TESTS += tests/fanout.sh tests/capture-health-fanout.sh \
	tests/reload-fanout.sh
EXTRA_DIST += tests/fanout.sh tests/capture-health-fanout.sh \
	tests/reload-fanout.sh

# Keys copied without escaping are plain literals.
TESTS += tests/jsonw-keys.sh
EXTRA_DIST += tests/jsonw-keys.sh
