/*
 * internal.h - what the library's modules share: the client, the provider
 * vtable, the built HTTP request and the per-attempt transport result.
 * Nothing here is part of the ABI.
 */
#ifndef SE_INTERNAL_H
#define SE_INTERNAL_H

#include <cjson/cJSON.h>
#include <curl/curl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "diag.h"
#include "option.h"
#include "provider.h"
#include "sendevent/sendevent.h"

#define SE_REDACTED "[REDACTED]"

typedef struct se_block se_block; /* block.c */

/* ---- a built request ------------------------------------------------------ */

#define SE_MAX_HEADERS 4 /* headers a provider may add to a request (se_http_add_header) */

typedef struct se_header {
    const char *name;  /* a string literal */
    const char *value; /* a string literal, or `owned` */
    char *owned;       /* the value when the request owns it, else NULL */
    bool secret;       /* value shown as [REDACTED] in dry runs and scrubbed from messages */
} se_header;

typedef struct se_op_cache se_op_cache;

struct se_http_request {
    char *url;          /* the real URL, secrets included */
    char *request_line; /* "POST <url as logs and dry runs show it>" */
    se_op_cache *cache; /* when set, both are borrowed from it (se_job_url), not to be freed */
    se_header headers[SE_MAX_HEADERS];
    int n_headers;
    char *body;
    size_t body_len;
    bool body_parked; /* the body lives in a batch's block: not freed with the request */
    /* The caller's JSON text while building, when it may be sent as written:
     * strict JSON that the checks did not rewrite. NULL otherwise. */
    const char *source;
    size_t source_len;
    /* Connect's ClientToken, as the body carries it: owned (parked with the
     * body in a batch's block), or NULL */
    char *client_token;
    /* built on the first attempt, kept for retries; one block: free(), not curl_slist_free_all */
    struct curl_slist *header_list;
    bool header_list_borrowed; /* cache's list (se_transport_setup): not freed with the request */
};

/* The URL with secrets redacted: the request line without its method. */
#define SE_REDACTED_URL(r) ((r)->request_line + sizeof "POST " - 1)

void se_http_request_clear(se_http_request *r);
/* Adds a header whose value is a string literal. */
se_status se_http_add_header(se_http_request *r, const char *name, const char *value, bool secret);
/* Adds a header owning `value` (freed with the request; NULL means out of memory). */
se_status se_http_add_header_owned(se_http_request *r, const char *name, char *value, bool secret);
/* Replaces the value of an existing header (taking ownership of value). */
void se_http_replace_header(se_http_request *r, se_header *h, char *value);

/* ---- the client ------------------------------------------------------------- */

struct se_client {
    const se_provider *provider;
    /* option slots (option.h): the common options, then the provider's */
    unsigned n_opts;
    char *opt[SE_OPT_SLOTS];   /* raw values as set; NULL = default */
    char *shown[SE_OPT_SLOTS]; /* a URL option as se_client_get shows it (credentials redacted) */
    double num[SE_OPT_SLOTS];  /* parsed numeric/boolean values (defaults applied) */
    se_log_fn log_fn;
    void *log_userdata;
    const atomic_int *log_min; /* lines below this level are not even formatted; NULL: all */

    CURLSH *share; /* DNS and TLS session caches */
    pthread_mutex_t share_locks[CURL_LOCK_DATA_LAST];

    pthread_mutex_t pool_lock; /* idle easy handles, each keeping its connections */
    struct se_pooled {
        CURL *easy;
        unsigned config_gen; /* the client options it was configured with */
    } * pool;
    size_t pool_len, pool_cap;
    /* idle multi handles (also under pool_lock), each keeping the connections of
     * the run that last ran on it for the next one */
    CURLM **multis;
    size_t n_multis, cap_multis;
    unsigned config_gen; /* bumped by se_client_set: pooled handles reconfigure */
    /* A proxy variable curl reads was in the environment at the last option
     * change. Without one, handles are told "no proxy", which spares curl its
     * five environment lookups on every request. */
    bool env_proxy;

    /* Per operation, what depends on the configuration (config_gen) only: built
     * once and lent to every request. Replaced only when no send runs, as
     * se_client_set is never concurrent with sends. */
    pthread_mutex_t cache_lock;
    struct se_op_cache {
        char *url, *request_line; /* checked URL and request line; NULL until built */
        /* the URL as curl parsed it (CURLOPT_CURLU), or NULL: then curl parses
         * `url` again for every request */
        CURLU *curlu;
        /* the header list of the first request sent with this configuration,
         * lent to each later one whose headers are the same (se_transport_setup) */
        struct curl_slist *header_list;
        unsigned config_gen;
    } op_cache[SE_MAX_OPERATIONS];

    pthread_mutex_t token_lock; /* a fetched credential (provider authorize): one fetch at a time */
    char *token;
    double token_expiry; /* se_now() seconds */
    bool token_fetching; /* a run has the fetch in flight */
    unsigned token_gen;  /* bumped when a fetch ends */
    /* how the last fetch failed (SE_OK: it did not), for the sends that waited on it */
    se_status token_status;
    se_diag token_diag;

    /* Runs in progress and the eventfds that wake them (se_client_cancel). */
    _Atomic(struct se_waker *) wakers;
    atomic_uint cancel_gen;
    /* se_fork_gen when the handles were made: another value means this is a
     * child process that has not yet abandoned what it inherited */
    atomic_uint fork_gen;
};

/* ---- processes (client.c) --------------------------------------------------- */

/* Bumped in every child process after fork() (pthread_atfork, se_global_init). */
extern atomic_uint se_fork_gen;
/* In a child process, makes the client drop what the parent's sends own
 * (connections, multi handles, TLS sessions, locks, a token fetch in flight)
 * without cleaning it up, so that everything is rebuilt lazily. Cheap when
 * nothing forked. */
void se_client_after_fork(se_client *c);
/* The child's half of pthread_atfork: locks of this module are made anew. */
void se_fork_child_reset(void);

/* ---- wakers (waker.c): an eventfd for each run in progress ----------------- */

typedef struct se_waker {
    int fd;
    atomic_bool busy;
    struct se_waker *next; /* the client's list only grows until the client is freed */
} se_waker;

se_waker *se_waker_take(se_client *c); /* NULL when no eventfd can be had */
void se_waker_give(se_waker *w);
void se_waker_ring(se_waker *w); /* async-signal-safe */
/* Empties the counter of a waker whose fd polled readable. */
void se_waker_drain(se_waker *w);
void se_wakers_free(se_client *c);

/* ---- option values (options.c) ---------------------------------------------- */

/* The description of the client's option in `slot`. */
const se_option *se_opt_def(const se_client *c, se_opt slot);
const char *se_opt_str(const se_client *c, se_opt o); /* value or default, may be NULL */
bool se_opt_bool(const se_client *c, se_opt o);
/* Applies the defaults of every slot of a new client. */
void se_opts_init(se_client *c);
void se_opts_free(se_client *c);

/* A malloc'd copy of msg with every secret (secret options, the request's
 * secrets and secret header credentials) replaced by [REDACTED]; NULL on
 * allocation failure. */
char *se_scrubbed(const se_client *c, const se_http_request *req, const char *msg);

void se_log(const se_client *c, int level, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Records the calling thread's last error (scrubbed) and returns status. */
se_status se_set_error(const se_client *c, se_status status, const char *msg);

#define SE_MAX_HEADER_BYTES 65536  /* response header block kept per answer */
#define SE_MAX_HEADER_COUNT 1000   /* header lines per answer */
#define SE_MAX_HEADER_TOTAL 262144 /* header bytes per attempt, interim answers included */
#define SE_MAX_INTERIM_ANSWERS 8   /* 1xx answers before the final one */

/* ---- transport -------------------------------------------------------------- */

typedef struct se_buf {
    char *data;
    size_t len, cap;
} se_buf;

/* Room for `need` bytes in all (grown by doubling). */
se_status se_buf_reserve(se_buf *b, size_t need);
se_status se_buf_append(se_buf *b, const char *data, size_t len);
void se_buf_free(se_buf *b);

/* What one HTTP attempt produced. */
struct se_attempt {
    CURLcode curl_code;
    char curl_error[CURL_ERROR_SIZE];
    long http_status;
    /* Times the request was written to a connection (CURLOPT_PREREQFUNCTION:
     * curl re-sends by itself on a reused connection that died). */
    int writes;
    bool resend_ok;       /* a second write is allowed: the operation is idempotent */
    bool resend_refused;  /* a second write was refused: the first may have been delivered */
    bool answered;        /* a status line came back */
    long new_connections; /* connections opened for this attempt: 0 = reused */
    se_buf body;
    se_buf headers; /* the final answer's headers: n_headers "name\0value\0" pairs */
    size_t n_headers;
    size_t max_body;
    bool oversized;
    /* the answer's headers went past a cap (SE_MAX_HEADER_*): SE_E_PROTOCOL */
    bool header_overflow;
    size_t header_bytes; /* header bytes received in this attempt */
    unsigned answers;    /* status lines received (interim answers, then the final one) */
};

/* Whether the environment names a proxy for http or https, as libcurl reads it. */
bool se_env_has_proxy(void);
/* A handle configured with the client's options (timeouts, TLS, share, ...). */
CURL *se_pool_take(se_client *c);
void se_pool_give(se_client *c, CURL *easy);
/* A multi handle for one run of the engine, with the live connections of an
 * earlier run when the client has one idle; NULL when out of memory. */
CURLM *se_multi_take(se_client *c);
/* Back to the client once no easy handle is in it (kept, or cleaned up when
 * enough are idle). */
void se_multi_give(se_client *c, CURLM *multi);

/* Sets the per-attempt options of `easy` for `req`, writing into `a`. */
se_status se_transport_setup(se_client *c, CURL *easy, se_http_request *req, se_attempt *a);
/* Empties `a` for the next attempt, keeping its buffers' memory. */
void se_attempt_reset(se_attempt *a);
void se_attempt_free(se_attempt *a);
/* Value of the first of n "name\0value\0" pairs called `name`
 * (case-insensitive), or NULL. */
const char *se_headers_find(const char *pairs, size_t n, const char *name);
/* Value of the answer's first header called `name`, or NULL; owned by the attempt. */
const char *se_attempt_header(const se_attempt *a, const char *name);

/* Whether libcurl gave up on a header line over its own limit (100 KiB):
 * it reports that as out of memory, but it is the server's doing. */
bool se_attempt_header_too_long(const se_attempt *a);
/* Status of an attempt: the design's mapping table. */
se_status se_attempt_status(const se_attempt *a);

/* ---- the send pipeline (send.c), shared by se_send and se_batch ---------- */

typedef struct se_job {
    se_client *client;
    const se_operation *op;
    se_http_request http;
    se_diag diag;
    int attempts;          /* writes to a connection (se_response_attempts) */
    int tries;             /* attempts started, for max_attempts */
    se_sent sent;          /* the most any attempt reached */
    double deadline;       /* se_now() seconds; 0 = none */
    unsigned token_gen;    /* the credential fetch it waits on (SE_PENDING) */
    bool refreshed_token;  /* a refused OAuth token is fetched again once */
    bool force_refresh;    /* the next authorize must replace auth_token_used */
    char *auth_token_used; /* Authorization value of the current attempt (fetched credentials) */
    double started;
} se_job;

const se_operation *se_find_operation(const se_provider *p, const char *name);
/* Parse, check and build: SE_OK or SE_E_INVALID with job->diag filled. Without
 * with_url, the URL is only checked: se_job_url sets it before sending. */
se_status se_job_prepare(se_job *job, se_client *c, const char *operation, const char *json,
                         bool with_url);
/* Sets the job's URL and request line (checked against the client's options). */
se_status se_job_url(se_job *job);
void se_job_clear(se_job *job);
/* Before each attempt: credentials that need the network. */
se_status se_job_authorize(se_job *job);
/* Logs an attempt that started at t0 (se_now()) and ended with `a` (debug on
 * success, info otherwise), when the client has a logger. */
void se_job_log_attempt(se_client *c, const se_job *job, se_status st, const se_attempt *a,
                        double t0);
/* Logs that the job is retried after `delay` seconds, having failed with st. */
void se_job_log_retry(se_client *c, const se_job *job, double delay, se_status st);
/* Logs how a job ended with r unless an attempt line told (`told`: it was refused before
 * sending, cancelled or out of time before it started, or a body turned the answer into a
 * failure), then r's warnings, when the client has a logger. */
void sei_job_log_end(se_client *c, const se_job *job, se_status st, const se_response *r,
                     bool told);
/* Whether sending the job again cannot deliver it twice (an idempotency key). */
bool se_job_idempotent(const se_job *job);
/* After an attempt: the delay before retrying (>= 0), or -1 for no retry. */
double se_job_retry_delay(se_job *job, se_status st, const se_attempt *a);
/* Adds what attempt `a` tells about delivery to job->sent and job->attempts. */
void se_job_count(se_job *job, const se_attempt *a);
/* The response of a finished job (attempt may be NULL when nothing was sent),
 * in memory from `block` when it has room (else malloc'd). */
se_response *se_job_response(se_job *job, se_status st, se_attempt *a, se_block *block);

/* ---- memory blocks (block.c) ------------------------------------------------ */

/* A mapped block whose pages are populated at once; objects are cut from it
 * by one owner (not thread-safe) and released from any thread. */
se_block *se_block_new(size_t size);
/* Bytes mapped. */
size_t se_block_size(const se_block *b);
/* Bytes the block can still hand out (0 for NULL). */
size_t se_block_room(const se_block *b);
/* n bytes from the block, or NULL when it has no room (or b is NULL). */
void *se_block_alloc(se_block *b, size_t n);
/* Drops one object of the block, or the owner's hold; unmapped after the last. */
void se_block_release(se_block *b);
/* Like se_block_release, but after the last the block stays mapped, empty and
 * held by the caller (true then), to be used again. */
bool se_block_drop(se_block *b);

/* ---- responses ---------------------------------------------------------------- */

/* One allocation holds the response and its texts (a batch keeps many): body,
 * header block, request line, request id, id and accepted time follow the
 * struct. Failures' texts (code, message) and warnings are allocated apart. */
struct se_response {
    se_status status;
    const char *provider;
    const char *operation;
    int http_status;
    const char *id, *accepted_time, *request_id; /* in the block, or NULL */
    char *provider_code, *message, *warnings;    /* allocated apart, or NULL */
    int attempts;
    se_sent sent;
    double elapsed;
    const char *client_token; /* in the block, or NULL */
    const char *body;         /* in the block */
    size_t body_len;
    const char *headers; /* in the block: "name\0value\0" pairs, n_headers of them */
    size_t n_headers;
    const char *request_line; /* in the block */
    _Atomic(cJSON *) json;    /* the parsed body, made on first se_response_get */
    se_block *block;          /* the batch memory holding it, or NULL: malloc'd */
};

/* Fills provider code/message from an error answer (the provider's format,
 * then the common fallbacks), whose parsed body is `json` (NULL when not JSON). */
void se_parse_error(se_response *r, const cJSON *json, const se_provider *p, const se_attempt *a);

/* ---- small utilities (util.c) ----------------------------------------------------- */

double se_now(void); /* monotonic seconds */
void se_sleep(double seconds);
double se_random_unit(void); /* [0, 1) */
se_status se_uuid4(char out[37]);
char *se_strdup(const char *s);
char *se_strndup(const char *s, size_t n);
char *se_base64(const unsigned char *data, size_t len);
char *se_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Concatenates strings up to a NULL: the cheap form of se_printf("%s%s..."). */
char *se_join(const char *first, ...) __attribute__((sentinel));
bool se_is_loopback_url(const char *url, bool *is_http);
const char *se_json_type_name(const cJSON *item);
/* JSON value at a dotted path with [n] indexes; NULL when absent or malformed. */
cJSON *se_json_path(const cJSON *root, const char *path, bool *malformed);
/* What a pass over the request text finds (json_text.c). The text of these
 * functions must be NUL-terminated at text[len]. */
typedef struct se_json_text {
    bool strict;       /* strict JSON: may be sent exactly as written */
    bool long_numbers; /* a number has more digits than a double holds */
} se_json_text;
se_json_text se_json_scan(const char *text, size_t len);
/* The tree of text[0..len) when it is strict JSON, as cJSON would parse it but
 * with one allocation per item: keys and strings are written, unescaped, into
 * `strings` (len + 1 bytes, to outlive the tree) as cJSON "const" keys and
 * "reference" strings, and long numbers carry their literal (below). *info
 * says what se_json_scan would. NULL, with info->strict false, when the text
 * is not strict JSON, nests deeper than 64 or memory runs out: parse it with
 * cJSON then. */
cJSON *se_json_parse_strict(const char *text, size_t len, char *strings, se_json_text *info);
/* Attaches the literal text to numbers with more digits than a double holds. */
se_status se_json_mark_long_numbers(cJSON *root, const char *text, size_t len);
/* The text of a JSON object (strict, as se_json_scan found it) without its
 * top-level member `drop` and with the member text `add` (or NULL) appended: a
 * copy to free(), its length in *out_len. NULL when out of memory, when a key
 * is written with escapes (it might spell `drop`) or the text is not one plain
 * object (nesting deeper than 64): print the tree instead. */
char *se_json_splice(const char *text, size_t len, const char *drop, const char *add,
                     size_t *out_len);
/* A top-level member looked for by se_json_read_object. */
typedef struct se_json_want {
    const char *key;   /* in: the member's name */
    bool found;        /* out: whether the object has it (the first, as cJSON would) */
    const char *value; /* out: its JSON text, in the text read (a string with its quotes) */
    size_t len;
} se_json_want;
/* Whether text[0..len) is one strict JSON object, read without building a
 * tree, filling `want`. false also for what it leaves to cJSON: keys written
 * with escapes, nesting deeper than 64. */
bool se_json_read_object(const char *text, size_t len, se_json_want *want, size_t n_want);
/* Turns the marked numbers into raw items, printed as the caller wrote them. */
void se_json_raw_long_numbers(cJSON *root);
/* Requests and responses nest at most this deep (objects and arrays): deeper
 * ones are refused (SE_E_INVALID, SE_E_PROTOCOL), as every face can then
 * convert them without running out of stack. */
#define SE_JSON_MAX_DEPTH 128
/* Checks every string of the request text whole: a \u0000 escape (cJSON, and
 * so the checks, would see the value cut there) or bytes that are not UTF-8
 * fail naming the field (and the byte offset); so does nesting deeper than
 * SE_JSON_MAX_DEPTH. SE_OK or SE_E_INVALID with d filled. */
se_status se_json_check_text(const char *text, size_t len, se_diag *d);
/* Whether the JSON text nests objects and arrays deeper than limit. */
bool se_json_deeper_than(const char *text, size_t len, int limit);
/* Retry-After as seconds from now: delay seconds or an HTTP-date; -1 if unparseable. */
double se_parse_retry_after(const char *value);

#endif
