/* control.h - the /_emulator/ control API (control.c). */
#ifndef SE_EMULATOR_CONTROL_H
#define SE_EMULATOR_CONTROL_H

#include <stdbool.h>
#include <stdint.h>

#include "reply.h"

/* Returns true when path is a control path (and rp is filled). */
bool control_handle(const struct request *rq, struct reply *rp);

/* A GET /_emulator/changes that should wait: its since is the current version and it asks
 * for a wait (http.c parks it). Any other request (and a malformed query) is answered by
 * control_handle. */
bool control_changes_wait(const struct request *rq, uint64_t *since, long *wait_ms);

/* Called on POST /_emulator/reset before the store is emptied: set by
 * http_start to release hung connections (http.c sits above this file). */
extern void (*control_on_reset)(void);

#endif
