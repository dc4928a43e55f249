/* sendevent-emulator: shared declarations.
 *
 * The emulator is an independent test oracle for libsendevent: nothing here may come from
 * libcore/. Layout:
 *   main.c      flags, daemon start, signal wait, clean shutdown
 *   http.c      libmicrohttpd glue: request and connection state, routing table, faults,
 *               suspend/resume
 *   control.c   the /_emulator/ control API
 *   store.c     shared state behind one mutex: request log, faults, issued tokens, idempotency
 *   sinch.c zapi.c connect.c   one file per provider: auth, validation, error format, answers
 *   check.c     JSON validation helpers with "path: rule" messages
 *   util.c      ids, clocks, timestamps, base64, UTF-8
 */
#ifndef SE_EMULATOR_H
#define SE_EMULATOR_H

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum provider { PROV_NONE = -1, PROV_SINCH, PROV_ZAPI, PROV_CONNECT, PROV_COUNT };

enum operation {
    OP_NONE = -1,
    OP_SEND_EVENT,
    OP_SEND_MESSAGE,
    OP_EDIT_EVENT,
    OP_RESPOND_EVENT,
    OP_CREATE_CONNECTION,
    OP_DISCONNECT,
    OP_OAUTH_TOKEN,
    OP_COUNT
};

const char *provider_name(enum provider p);    /* NULL for PROV_NONE */
const char *operation_name(enum operation op); /* NULL for OP_NONE */
enum provider provider_from_name(const char *s);
enum operation operation_from_name(const char *s);

/* ---- configuration (set once by main.c before the daemon starts, then read-only) ---- */
struct config {
    const char *host;
    unsigned port;
    unsigned threads;
    size_t max_records;
    size_t max_body_bytes;
    unsigned idle_timeout; /* seconds; 0 = keep-alive connections are never closed for idling */
    bool verbose;
    const char *tls_cert, *tls_key;
    char url[300]; /* what we printed, e.g. http://127.0.0.1:43123 */

    const char *sinch_key_id, *sinch_key_secret;
    long sinch_token_lifetime;
    const char *zapi_instance_id, *zapi_token, *zapi_client_token;
    const char *connect_participant_token, *connect_connection_token;
};
extern struct config cfg;

/* ---- requests and replies as the provider handlers see them ---- */
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
void reply_set_body(struct reply *rp, int status, char *body_malloced); /* takes ownership */
void reply_text(struct reply *rp, int status, const char *text);        /* copies */
void reply_json(struct reply *rp, int status, cJSON *doc);              /* prints, frees doc */
void reply_clear(struct reply *rp);

typedef void (*handler_fn)(const struct request *rq, struct reply *rp);
/* Fills rp with an error in one provider's own format. */
typedef void (*error_fn)(struct reply *rp, int status, const char *message);

/* ---- providers ---- */
void sinch_events_send(const struct request *rq, struct reply *rp);
void sinch_messages_send(const struct request *rq, struct reply *rp);
void sinch_oauth_token(const struct request *rq, struct reply *rp);
void sinch_error(struct reply *rp, int status, const char *message);
void oauth_error(struct reply *rp, int status, const char *message);

void zapi_send_event(const struct request *rq, struct reply *rp);
void zapi_send_edit_event(const struct request *rq, struct reply *rp);
void zapi_send_event_response(const struct request *rq, struct reply *rp);
void zapi_send_text(const struct request *rq, struct reply *rp);
void zapi_error(struct reply *rp, int status, const char *message);

void connect_send_event(const struct request *rq, struct reply *rp);
void connect_send_message(const struct request *rq, struct reply *rp);
void connect_create_connection(const struct request *rq, struct reply *rp);
void connect_disconnect(const struct request *rq, struct reply *rp);
void connect_error(struct reply *rp, int status, const char *message);
void connect_error_typed(struct reply *rp, int status, const char *type, const char *message);

/* Content-Type is application/json (parameters such as charset allowed). */
bool content_type_is_json(const struct request *rq);

/* The shared first steps of every JSON send route: POST only (405), Content-Type JSON (415),
 * body is a JSON object (400). On failure fills rp via err and returns NULL; the caller frees
 * the returned document. Callers check auth between method and body, so it is split in two. */
bool require_post(const struct request *rq, struct reply *rp, error_fn err);
cJSON *parse_json_body(const struct request *rq, struct reply *rp, error_fn err);

/* ---- control API (control.c) ---- */
/* Returns true when path is a control path (and rp is filled). */
bool control_handle(const struct request *rq, struct reply *rp);
void http_release_hung(void); /* close every hung connection (reset) */
bool http_start(void);        /* listen as cfg says, fill cfg.url; false with a message */
void http_stop(void);         /* close waiting connections, stop the daemon */

/* ---- store (store.c): everything here is thread-safe ---- */
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
    bool accepted;
    bool replayed;
    const char *fault; /* static name of the fault applied, or NULL */
};
void store_record(const struct record_in *in);
cJSON *store_requests_json(bool all);

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
cJSON *store_faults_json(void);
void store_faults_clear(void);

enum token_state { TOKEN_UNKNOWN, TOKEN_VALID, TOKEN_EXPIRED };
enum token_kind { TOK_SINCH, TOK_CONNECT, TOK_KINDS };
void store_token_add(enum token_kind k, const char *token, int64_t expires_mono_ms);
enum token_state store_token_check(enum token_kind k, const char *token);
void store_tokens_expire(enum token_kind k);

/* Connect idempotency: if key was seen, returns a malloc'd copy of the first answer body;
 * otherwise remembers body under key and returns NULL. */
char *store_idempotent(const char *key, const char *body);

/* ---- util.c ---- */
void *xmalloc(size_t n);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
int64_t now_ms(void);                          /* wall clock, ms since the epoch */
int64_t mono_ms(void);                         /* monotonic, ms */
void iso_time(char out[32], int64_t epoch_ms); /* 2026-11-23T10:00:00.123Z */
void random_bytes(void *buf, size_t n);
void new_ulid(char out[27]);
void new_uuid(char out[37]);
void new_upper_alnum(char *out, size_t n, bool hex_only); /* n chars + NUL */
void new_token(char *out, size_t n);                      /* base64url chars + NUL */
/* Decodes standard base64; returns malloc'd NUL-terminated bytes or NULL when invalid. */
char *base64_decode(const char *in, size_t *out_len);
size_t utf8_chars(const char *s);             /* code points; invalid bytes count one each */
char *utf8_sanitize(const char *s, size_t n); /* valid UTF-8, no NULs; malloc'd */
bool iso8601_datetime(const char *s);         /* YYYY-MM-DDTHH:MM[:SS[.f+]][Z|+HH:MM|+HHMM] */
bool iso_date(const char *s);                 /* YYYY-MM-DD */
bool str_ieq(const char *a, const char *b);
bool str_prefix_ieq(const char *s, const char *prefix);
bool consttime_eq(const char *a, const char *b);

#endif
