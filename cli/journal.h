/* journal.h - --journal FILE: each --batch result recorded as it is known, for resuming
 * (journal.c). */
#ifndef SENDEVENT_CLI_JOURNAL_H
#define SENDEVENT_CLI_JOURNAL_H

#include <sendevent/sendevent.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct journal;

/* What an earlier run recorded for an input line. */
enum journal_state {
    JOURNAL_NEW,      /* nothing recorded: never handed to the library, so never sent */
    JOURNAL_SENDING,  /* handed to the library, no outcome: in flight when the run died */
    JOURNAL_ACCEPTED, /* the provider accepted it: skipped */
    JOURNAL_MAYBE,    /* written, no answer: skipped unless --resend-maybe */
    JOURNAL_FAILED,   /* not accepted: sent again */
    JOURNAL_CHANGED   /* the line is not the one recorded: the input changed */
};

/* Opens (creating) the journal at `path` for provider/operation; drops a torn last line. NULL
 * after printing why (unreadable, not a journal, another provider or operation). */
struct journal *journal_open(const char *path, const char *provider, const char *operation);
/* Fsyncs and closes; NULL is fine. */
void journal_close(struct journal *j);
/* A line's hash, as recorded. */
uint64_t journal_hash(const char *line, size_t len);
/* What the journal holds for line `lineno` whose hash is `hash`. */
enum journal_state journal_lookup(const struct journal *j, long lineno, uint64_t hash);
/* Reads the regular file `fd` whole and checks each line the journal knows against it, then
 * seeks back to its start. False after printing the first difference. */
bool journal_check_input(const struct journal *j, int fd, const char *name);
/* Records that line `lineno` is being handed to the library (before it is): a run that dies
 * before its outcome is recorded leaves this, which says the line may have been sent. */
void journal_record_sending(struct journal *j, long lineno, uint64_t hash);
/* Records a line's outcome: one write(2) of one whole line; fdatasync at most once a second. */
void journal_record(struct journal *j, long lineno, uint64_t hash, const se_response *r,
                    se_status st);
/* Connect: a malloc'd copy of `line` with a ClientToken derived from the journal's id and the
 * line number when it is an object without one; NULL when nothing needs adding. */
char *journal_client_token(const struct journal *j, long lineno, const char *line);

#endif
