/*
 * cli.h - shared declarations of the `sendevent` command.
 *
 * The command uses only the public API of libsendevent (<sendevent/sendevent.h>) and cJSON for
 * its own JSON output. Files:
 *   main.c     arguments, help, the single-request modes (send, --validate, --dry-run)
 *   options.c  client options from the environment, a --config file and --set flags
 *   output.c   result lines (JSON or text), request input, the progress line's lock
 *   batch.c    --batch: chunked se_batch runs, in-order results, the live progress line
 */
#ifndef SENDEVENT_CLI_H
#define SENDEVENT_CLI_H

#include <sendevent/sendevent.h>
#include <stdbool.h>
#include <stddef.h>

/* Exit statuses (documented in sendevent(1)). */
enum { EXIT_SENT = 0, EXIT_FAILED = 1, EXIT_USAGE = 2 };

enum output_mode { OUTPUT_AUTO, OUTPUT_JSON, OUTPUT_TEXT };

struct kv {
    const char *key, *value;
};

struct cli {
    const char *provider, *operation, *request_arg;
    const char *config_file;
    struct kv *sets; /* --set, in command-line order */
    int n_sets;
    bool dry_run, validate, verbose, no_progress;
    const char *deadline; /* --deadline SECONDS: the client's deadline option, over the others */
    const char *batch;    /* FILE or "-" */
    int concurrency;
    enum output_mode output; /* resolved to JSON or TEXT before any output */

    /* Connect only: credentials the CLI adds to requests that lack them (see options.c) */
    char *connection_token, *participant_token;
};

/* ---- providers and operations: the library's listing (sendevent/listing.h) ---- */
const se_provider_info *find_provider(const char *name);
bool provider_has_op(const se_provider_info *p, const char *op);

/* ---- options.c ---- */
/* Applies, in increasing precedence: the environment, the --config file, the --set flags.
 * On failure prints "sendevent: ..." (naming the key and its source, never a value) and
 * returns false. */
bool apply_options(struct cli *cli, se_client *client);
/* For Connect: returns a malloc'd copy of request_json with ConnectionToken/ParticipantToken
 * added from the connection_token/participant_token options when the request lacks them, or
 * NULL when nothing needs adding (use the original). */
char *add_connect_tokens(const struct cli *cli, const char *operation, const char *request_json);

/* ---- output.c ---- */
/* Prints "sendevent: " + message to stderr (clearing the progress line first). */
void errorf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Reads a whole file ("-" = stdin); NULL with a message printed on failure. */
char *read_file(const char *path, size_t *len_out);
/* Reads REQUEST: inline JSON, @file or "-". NULL with a message printed on failure. */
char *read_request(const char *arg);

/* One result, printed in the chosen mode. index < 0 = a single request (no index/line). */
void print_result(const struct cli *cli, const se_response *r, se_status st, long index, long line,
                  const char *fallback_message);
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

/* ---- batch.c ---- */
int run_batch(struct cli *cli, se_client *client);

#endif
