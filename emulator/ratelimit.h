/* ratelimit.h - the providers' rate limits as the emulator enforces them (ratelimit.c).
 *
 * Three limits, each a rate (requests per second, 0 = off) and a burst (GCRA, a token bucket
 * without a timer): Sinch per project (both send routes of a project draw from its budget), the
 * Sinch OAuth token endpoint (one budget), and Connect per API (one budget per operation).
 * Z-API documents no limit: none is enforced. Everything here is thread-safe. */
#ifndef SE_EMULATOR_RATELIMIT_H
#define SE_EMULATOR_RATELIMIT_H

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stddef.h>

#include "emulator.h"
#include "reply.h"

#define RATELIMIT_MAX 1000000u /* highest rate and burst */

void ratelimit_init(void);  /* the flag values (cfg); after this, before the daemon starts */
void ratelimit_free(void);  /* after the daemon stopped */
void ratelimit_reset(void); /* the flag values again, every budget full, counters zero */

/* Looks at one request of a route before anything else is checked. Returns true when it is
 * over its budget: rp then holds the 429, written with err (the route's error format). A route
 * with a limit in force sets *at to the monotonic seconds it was looked at (taken under the
 * limit's lock, so the accepted requests of a budget are spaced by it exactly); otherwise *at
 * is left alone. project: the Sinch project id from the path (ignored for other routes). */
bool ratelimit_throttle(enum provider p, enum operation op, const char *project, error_fn err,
                        struct reply *rp, double *at);

/* GET /_emulator/limits: settings and counters (caller frees). */
cJSON *ratelimit_json(void);
/* POST /_emulator/limits: {"sinch"|"sinch_token"|"connect": {"rate"?, "burst"?}}; checked as a
 * whole before anything changes. False with a "field: rule" message in err. */
bool ratelimit_update(const cJSON *spec, char *err, size_t errlen);

#endif
