/* routes.h - the route table: which handler serves a path (routes.c). */
#ifndef SE_EMULATOR_ROUTES_H
#define SE_EMULATOR_ROUTES_H

#include "emulator.h"
#include "reply.h"

struct route {
    const char *pattern; /* '*' matches one non-empty path segment */
    enum provider provider;
    enum operation op;
    handler_fn handle;
    error_fn error; /* the provider's error format (injected faults, limits, 404, 413) */
};

/* The route rq->path matches (its '*' segments copied into rq->param), or NULL. */
const struct route *route_find(struct request *rq);
/* The provider an unknown path's prefix belongs to (PROV_NONE for none). */
enum provider provider_by_prefix(const char *path);
/* That provider's error format; {"error": "..."} for PROV_NONE. */
error_fn error_for(enum provider p);

#endif
