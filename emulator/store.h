/* store.h - shared state behind one mutex (store.c). */
#ifndef SE_EMULATOR_STORE_H
#define SE_EMULATOR_STORE_H

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "emulator.h"
#include "store_tokens.h"

/* Everything here is thread-safe. */
void store_init(size_t max_records);
void store_free(void);
void store_reset(void); /* log, faults, tokens, idempotency memory */

struct record_in {
    enum provider provider;
    enum operation op;
    const char *method, *path, *query;
    const char *headers; /* "name\0value\0name\0value\0", names lower-case */
    size_t headers_len;
    const char *body;
    size_t body_len;
    int status;                   /* 0 = not processed (close, reset, hang) */
    unsigned connection_requests; /* 1-based index of this request on its connection */
    double received;              /* monotonic seconds; 0 = now */
    bool accepted;
    bool replayed;
    bool throttled;    /* answered 429 by a rate limit (ratelimit.c) */
    const char *fault; /* static name of the fault applied, or NULL */
    /* the answer produced (none when status is 0), headers packed as above */
    const char *resp_headers, *resp_body;
    size_t resp_headers_len, resp_body_len;
    bool resp_dropped; /* processed, but the answer was never sent (close_after, reset_after) */
};
void store_record(const struct record_in *in);
/* Records with seq > after (all: also those not accepted), oldest first; only the newest `last`
 * of them unless last is 0. */
cJSON *store_requests_json(bool all, uint64_t after, size_t last);

/* The *_AFTER actions process the request normally and then drop the answer (a "hidden
 * re-send" test: the server acted on a request whose client saw only a dead connection). */
enum fault_action {
    ACT_NONE,
    ACT_CLOSE,
    ACT_HANG,
    ACT_OVERSIZED,
    ACT_VALUE_FALSE,
    ACT_EXPIRE_TOKEN,
    ACT_RESET,
    ACT_CLOSE_AFTER,
    ACT_RESET_AFTER,
    ACT_COUNT
};
const char *fault_action_name(enum fault_action a); /* NULL for ACT_NONE */

/* One injected fault as it applies to one request (owned copy). */
struct fault_hit {
    int status;        /* 0 = not given */
    char *retry_after; /* NULL = not given */
    char *body;        /* NULL = not given; exact bytes otherwise */
    cJSON *headers;    /* NULL or object of strings */
    long latency_ms;
    enum fault_action action;
    size_t bytes;
};
void fault_hit_clear(struct fault_hit *h);

/* Parses and stores a fault spec; returns its JSON description (caller frees) or NULL with err. */
cJSON *store_fault_add(const cJSON *spec, char *err, size_t errlen);
/* connection_requests: the request's 1-based index on its connection (for "connection"). */
bool store_fault_take(enum provider p, enum operation op, unsigned connection_requests,
                      struct fault_hit *out);
/* The first pending callback fault (a spec with "callback") that matches an accepted send:
 * returns a copy of its "callback" object (caller frees), or NULL. */
cJSON *store_callback_fault_take(enum provider p, enum operation op);
cJSON *store_faults_json(void);
void store_faults_clear(void);

#endif
