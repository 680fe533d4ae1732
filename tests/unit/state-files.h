/*
 * state-files.h - the clean-up after a unit test that made a state
 * database in a directory of its own (mkdtemp()): the database, the
 * -wal and -shm files SQLite leaves beside it, then the directory;
 * and state_files_open_said(), which opens one and keeps what it said
 * (include <cmocka.h> and "state/state.h" before this file); with
 * "policy/baseline.h" before it too, state_files_same_bl(), which
 * compares two baselines as a save and a load should leave them.
 */
#ifndef WW_TEST_STATE_FILES_H
#define WW_TEST_STATE_FILES_H

#include <stdio.h>
#include <unistd.h>

/* Unlink the database db and its -wal and -shm, those that exist. */
static inline void
state_files_unlink(const char *db)
{
	char p[1024];

	unlink(db);
	snprintf(p, sizeof(p), "%s-wal", db);
	unlink(p);
	snprintf(p, sizeof(p), "%s-shm", db);
	unlink(p);
}

/* dir/state.db with its -wal and -shm, then dir (empty by then). */
static inline void
state_files_remove(const char *dir)
{
	char db[1000];

	snprintf(db, sizeof(db), "%s/state.db", dir);
	state_files_unlink(db);
	rmdir(dir);
}

/* state_open() of path, what it said in *msg (to free; printed as a
 * comment of the test's output). */
static inline struct state *
state_files_open_said(const char *path, char **msg)
{
	struct state *s;
	size_t len = 0;
	FILE *err;

	*msg = NULL;
	assert_non_null(err = open_memstream(msg, &len));
	s = state_open(path, err);
	fclose(err);
	print_message("# %s", *msg);
	return s;
}

#ifdef WW_BASELINE_H
/* Every item of a alike in b, as many, the order aside. */
static inline void
state_files_same_bl(const struct bl_dev *a, const struct bl_dev *b)
{
	const struct bl_item *x, *y;
	uint32_t i;
	int k;

	for (k = 0; k < BL_KIND_MAX; k++) {
		assert_int_equal(a->set[k].n, b->set[k].n);
		for (i = 0; i < a->set[k].n; i++) {
			x = &a->set[k].v[i];
			assert_non_null(y = bl_find(b, (enum bl_kind)k,
			    x->key));
			assert_int_equal(x->count, y->count);
			assert_int_equal(x->first_us, y->first_us);
			assert_int_equal(x->last_us, y->last_us);
			assert_int_equal(x->hours, y->hours);
			assert_int_equal(x->asn, y->asn);
			assert_string_equal(x->cc, y->cc);
		}
	}
}
#endif

#endif /* WW_TEST_STATE_FILES_H */
