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
 * The same, with each device's reasons, for the sensor's device records
 * (brain_config.risks): of the n devices it holds as saved, in ascending
 * id, with their baselines (NULL: none), and the alert counts of the
 * database it has open.  Read back from the database, they were a
 * second copy of the whole inventory at the end of every run.  By
 * device id; 0, or -1 with the message on err; free each one's reasons,
 * then the array.
 */
struct bl_dev;
struct brain_risk;
struct device;
struct state;
int	report_risks_of(struct state *, const struct device *const *devs,
	    const struct bl_dev *const *bls, size_t n,
	    struct brain_risk **, size_t *nout, FILE *err);

/* wardwatch report ... (argv[0] is "report"); the exit status. */
int	report_main(int argc, char **argv);

#endif /* WW_REPORT_H */
