/* output.h - result lines, input, the progress line's lock (output.c). */
#ifndef SENDEVENT_CLI_OUTPUT_H
#define SENDEVENT_CLI_OUTPUT_H

#include <sendevent/sendevent.h>
#include <stdbool.h>
#include <stddef.h>

#include "cli.h"

/* Prints "sendevent: " + message to stderr (clearing the progress line first). */
void errorf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Reads a whole file ("-" = stdin); NULL with a message printed on failure. */
char *read_file(const char *path, size_t *len_out);
/* Reads REQUEST: inline JSON, @file or "-". NULL with a message printed on failure. */
char *read_request(const char *arg);

/* One result, printed in the chosen mode. index < 0 = a single request (no index/line). */
void print_result(const struct cli *cli, const se_response *r, se_status st, long index, long line,
                  const char *fallback_message);
/* The same result as print_result would print, as one malloc'd text (one or more whole lines,
 * *len bytes), for writing with one write(2); NULL when out of memory. */
char *format_result(const struct cli *cli, const se_response *r, se_status st, long index,
                    long line, const char *fallback_message, size_t *len);
/* Prints the failure line for a single request on stderr. */
void print_failure(const struct cli *cli, const se_response *r, se_status st,
                   const char *fallback_message);
/* --validate / --dry-run outcome for one request. */
void print_validation(const struct cli *cli, se_status st, const char *message, long index,
                      long line);
void print_prepared(const struct cli *cli, const char *http, long index, long line);

/* The output lock: held while writing to stdout/stderr so the progress line and result lines
 * never interleave. progress_clear() erases a drawn progress line (lock held). */
void output_lock(void);
void output_unlock(void);
void progress_set_line(const char *text); /* lock held; NULL = none drawn */
void progress_clear(void);                /* lock held */
void progress_keep(void); /* lock held: end the drawn line with a newline, leaving it shown */

void log_to_stderr(int level, const char *message, void *userdata);

#endif
