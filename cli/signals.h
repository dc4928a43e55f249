/* signals.h - SIGINT and SIGTERM during --batch (signals.c). */
#ifndef SENDEVENT_CLI_SIGNALS_H
#define SENDEVENT_CLI_SIGNALS_H

#include <sendevent/sendevent.h>
#include <stdbool.h>

/* Catches SIGINT and SIGTERM for the run of `batch`: each writes a byte to a self-pipe (the fd
 * returned, to poll for reading); a second signal also calls se_batch_cancel (async-signal-safe).
 * Returns -1 (with errno) when the pipe cannot be made. */
int signals_catch(se_batch *batch);
/* The first signal caught (SIGINT, SIGTERM), or 0. */
int signals_first(void);
/* Signals caught so far; drains the self-pipe. */
int signals_count(void);
/* Restores the previous handlers and closes the pipe. */
void signals_release(void);

#endif
