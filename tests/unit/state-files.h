/*
 * state-files.h - the clean-up after a unit test that made a state
 * database in a directory of its own (mkdtemp()): the database, the
 * -wal and -shm files SQLite leaves beside it, then the directory;
 * and state_files_open_said(), which opens one and keeps what it said
 * (include <cmocka.h> and "state/state.h" before this file).
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

#endif /* WW_TEST_STATE_FILES_H */
