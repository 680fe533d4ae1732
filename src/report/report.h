/*
 * report.h - "wardwatch report": the offline assessment of a state
 * database as one self-contained HTML file, Markdown or CSV.
 */
#ifndef WW_REPORT_H
#define WW_REPORT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

enum report_format {
	REPORT_HTML,
	REPORT_MD,
	REPORT_CSV
};

/* "html", "md", "csv": the format, or -1. */
int	report_format_lookup(const char *);
/* The format a file name asks for (".md", ".csv"; else HTML). */
enum report_format report_format_of(const char *path);

/*
 * Write the report of the database at state to out ("-": standard
 * output).  Returns 0, 1 when the database does not exist, 2 when it
 * cannot be read or the file cannot be written (said on err).
 */
int	report_write(const char *state, const char *out, enum report_format,
	    FILE *err);

/*
 * The risk score of every device of the database at state, by device
 * id (ascending), for "wardwatch inventory": arrays the caller frees.
 * 0, or -1 with the message on err.
 */
int	report_risks(const char *state, uint64_t **ids, int **risks,
	    size_t *n, FILE *err);

/*
 * The same, with each device's reasons, from a database the caller has
 * open (the sensor's, for its device records: brain_config.risks): by
 * device id, ascending.  0, or -1 with the message on err; free each
 * one's reasons, then the array.
 */
struct brain_risk;
struct state;
int	report_risks_of(struct state *, struct brain_risk **, size_t *n,
	    FILE *err);

/* wardwatch report ... (argv[0] is "report"); the exit status. */
int	report_main(int argc, char **argv);

#endif /* WW_REPORT_H */
