## src/fpdb.mk - the fingerprint database (src/fpdb.c) and the copy of
## profiles/fingerprints/*.yaml compiled into it.
##
## fpdb-builtin.c is generated in the build directory by
## build-aux/embed.sh.  The script runs at every make, and the file is
## replaced only when its text changes: so an edited, added or removed
## data file rebuilds it and nothing else does, with any make (automake
## -Wall -Werror refuses GNU make's $(wildcard) in a dependency list).
## It is an ordinary nodist source of the library, made before it is
## compiled, so BUILT_SOURCES (for generated headers) is not needed.

libwardwatch_a_SOURCES += src/fpdb.c src/fpdb.h
nodist_libwardwatch_a_SOURCES = fpdb-builtin.c
CLEANFILES += fpdb-builtin.c fpdb-builtin.c.tmp
EXTRA_DIST += build-aux/embed.sh profiles

fpdb-builtin.c: fpdb-builtin-force
	$(AM_V_at)$(SHELL) $(srcdir)/build-aux/embed.sh fpdb_builtin fpdb.h \
	    $(srcdir)/profiles/fingerprints/*.yaml >$@.tmp
	$(AM_V_at)if cmp -s $@.tmp $@; then rm -f $@.tmp; else \
	    echo "  GEN      $@"; mv -f $@.tmp $@; fi
.PHONY: fpdb-builtin-force
fpdb-builtin-force:

UNIT_TESTS += tests/unit/test-fpdb
tests_unit_test_fpdb_SOURCES = tests/unit/test-fpdb.c
tests_unit_test_fpdb_LDADD = $(WW_UNIT_LIBS)
