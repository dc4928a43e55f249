/* control.h - the /_emulator/ control API (control.c). */
#ifndef SE_EMULATOR_CONTROL_H
#define SE_EMULATOR_CONTROL_H

#include <stdbool.h>

#include "reply.h"

/* Returns true when path is a control path (and rp is filled). */
bool control_handle(const struct request *rq, struct reply *rp);

/* Called on POST /_emulator/reset before the store is emptied: set by
 * http_start to release hung connections (http.c sits above this file). */
extern void (*control_on_reset)(void);

#endif
