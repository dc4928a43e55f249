/*
 * cli.h - the types the files of the `sendevent` command share.
 *
 * The command uses only the public API of libsendevent (<sendevent/sendevent.h>) and cJSON for
 * its own JSON output. Files:
 *   main.c     arguments, help, the single-request modes (send, --validate, --dry-run)
 *   options.c  client options from the environment, a --config file and --set flags
 *   output.c   result lines (JSON or text), request input, the progress line's lock
 *   batch.c    --batch: the input, --validate / --dry-run of each line
 *   stream.c   --batch sending: one started se_batch fed as lines arrive, results in order
 *   lines.c    input read a line at a time as it arrives
 *   report.c   --batch counts, the progress line and the summary
 *   signals.c  SIGINT / SIGTERM during --batch: a self-pipe and se_batch_cancel
 *   journal.c  --journal: each result recorded as it is known; what a resumed run skips
 *   providers.c  the providers, operations and options the help lists
 *   webhook.c  `sendevent webhook verify|parse`: callbacks checked and read
 * Each has its header (main.c excepted); this one holds the types they share.
 */
#ifndef SENDEVENT_CLI_H
#define SENDEVENT_CLI_H

#include <sendevent/sendevent.h>
#include <stdbool.h>
#include <stddef.h>

/* Exit statuses (documented in sendevent(1)). */
enum { EXIT_SENT = 0, EXIT_FAILED = 1, EXIT_USAGE = 2, EXIT_REFUSED = 3 /* webhook verify */ };

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
    bool unordered;    /* --unordered: each result written as soon as it is known */
    double grace;      /* --grace SECONDS: in-flight requests' time after an interruption */
    const char *rate;  /* --rate N: the client's max_rate option, over the others */
    const char *burst; /* --burst N: the client's max_burst option */
    const char *rate_limit_url, *rate_limit_key; /* --rate-limit-url, --rate-limit-key */
    const char *journal;     /* --journal FILE: results recorded for resuming (journal.c) */
    bool resend_maybe;       /* --resend-maybe: lines the journal says "maybe" are sent again */
    enum output_mode output; /* resolved to JSON or TEXT before any output */

    /* Connect only: credentials the CLI adds to requests that lack them (see options.c) */
    char *connection_token, *participant_token;
};

#endif
