/* reply.h - requests and replies as the provider handlers see them (reply.c). */
#ifndef SE_EMULATOR_REPLY_H
#define SE_EMULATOR_REPLY_H

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stddef.h>

#define ROUTE_MAX_PARAMS 2
#define ROUTE_PARAM_MAX 512

struct request {
    const char *method;
    const char *path;  /* raw (not percent-decoded), without the query */
    const char *query; /* raw, without '?', "" when absent */
    char param[ROUTE_MAX_PARAMS][ROUTE_PARAM_MAX]; /* path segments matched by '*' */
    const char *body;                              /* NUL-terminated copy; body_len excludes NUL */
    size_t body_len;
    void *conn; /* struct MHD_Connection *, for header lookup */
};

/* Case-insensitive request header lookup; NULL when absent. */
const char *request_header(const struct request *rq, const char *name);

#define REPLY_MAX_HEADERS 32 /* more are dropped */
struct reply {
    int status;
    char *body; /* malloc'd, owned by the reply */
    size_t body_len;
    struct {
        char *name, *value; /* malloc'd */
    } headers[REPLY_MAX_HEADERS];
    int nheaders;
    bool replayed; /* Connect ClientToken replay: answered, but not a new accepted request */
};

void reply_header(struct reply *rp, const char *name, const char *value);
bool reply_has_header(const struct reply *rp, const char *name);        /* case-insensitive */
void reply_set_body(struct reply *rp, int status, char *body_malloced); /* takes ownership */
void reply_text(struct reply *rp, int status, const char *text);        /* copies */
void reply_json(struct reply *rp, int status, cJSON *doc);              /* prints, frees doc */
void reply_clear(struct reply *rp);

typedef void (*handler_fn)(const struct request *rq, struct reply *rp);
/* Fills rp with an error in one provider's own format. */
typedef void (*error_fn)(struct reply *rp, int status, const char *message);

/* Content-Type is application/json (parameters such as charset allowed). */
bool content_type_is_json(const struct request *rq);

/* The shared first steps of every JSON send route: POST only (405), Content-Type JSON (415),
 * body is a JSON object (400). On failure fills rp via err and returns NULL; the caller frees
 * the returned document. Callers check auth between method and body, so it is split in two. */
bool require_post(const struct request *rq, struct reply *rp, error_fn err);
cJSON *parse_json_body(const struct request *rq, struct reply *rp, error_fn err);

#endif
