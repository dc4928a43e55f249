/* report.h - a --batch run's counts, its progress line and its summary (report.c). */
#ifndef SENDEVENT_CLI_REPORT_H
#define SENDEVENT_CLI_REPORT_H

#include <sendevent/sendevent.h>
#include <stdbool.h>
#include <stddef.h>

struct tally {
    size_t read;          /* requests read (non-blank lines) */
    size_t done;          /* results known */
    size_t ok;            /* accepted */
    size_t failed;        /* failed, cancelled ones not counted */
    size_t invalid;       /* never sent: invalid */
    size_t cancelled;     /* cancelled by an interruption */
    size_t maybe;         /* of the cancelled, written but unanswered ("sent": "maybe") */
    size_t skipped;       /* --journal: lines an earlier run had sent and got accepted */
    size_t skipped_maybe; /* --journal: lines an earlier run maybe sent, not sent again */
    long last_line;       /* line number of the last request read */
    bool input_done;      /* the end of the input was reached */
    double t0;
};

double now_seconds(void);
/* Counts one result. */
void tally_add(struct tally *t, const se_response *r, se_status st);
/* Redraws the progress line (output lock held). */
void report_progress(const struct tally *t);
/* The summary line(s) on stderr: `progress` the run had a progress line; `signal` the signal
 * that interrupted it, or 0. */
void report_summary(const struct tally *t, bool progress, int signal);

#endif
