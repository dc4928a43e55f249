/* response.c - building a response from a finished job (the error body is
 * read by the provider's parse_error), and the public accessors. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "response_internal.h"

#include "client_state.h"
#include "json.h"
#include "json_path.h"
#include "logging.h"
#include "send.h"
#include "transport.h"
#include "util.h"

void sei_parse_error(se_response *r, const cJSON *json, const sei_provider *p,
                     const sei_attempt *a) {
    p->parse_error(r, json, a);
    if (!r->message && r->body_len > 0 && !json) /* not JSON: the raw text is the message */
        r->message = sei_strndup(r->body, r->body_len < 300 ? r->body_len : 300);
    if (!r->provider_code && r->http_status)
        r->provider_code = sei_printf("%d", r->http_status);
}

/* The request id: the first of the provider's headers for it, else of the
 * usual ones, in one pass (a value in the attempt's header block), or NULL. */
static const char *find_request_id(const sei_provider *p, const sei_attempt *a) {
    static const char *const usual[] = {"x-request-id", "x-correlation-id"};
    const char *names[8];
    size_t lens[8], n = 0;
    for (const char *const *h = p->request_id_headers; h && *h && n < 6; h++)
        names[n++] = *h;
    names[n++] = usual[0];
    names[n++] = usual[1];
    for (size_t k = 0; k < n; k++)
        lens[k] = strlen(names[k]);
    const char *best = NULL;
    size_t best_rank = n;
    const char *h = a->headers.data;
    for (size_t i = 0; i < a->n_headers && best_rank > 0; i++) {
        size_t name_len = strlen(h);
        const char *value = h + name_len + 1;
        for (size_t k = 0; k < best_rank; k++) /* lengths first: most headers differ in them */
            if (name_len == lens[k] && !strcasecmp(h, names[k])) {
                best = value;
                best_rank = k;
            }
        h = value + strlen(value) + 1;
    }
    return best;
}

/* Copies n bytes of s and a NUL to *w, which moves past them. */
static const char *put(char **w, const char *s, size_t n) {
    char *start = *w;
    memcpy(start, s, n);
    start[n] = '\0';
    *w += n + 1;
    return start;
}

static void transport_message(se_response *r, se_status st, const sei_attempt *a) {
    /* curl refuses up front when Content-Length is over the cap; on_body when it is not given */
    if (a->oversized || a->curl_code == CURLE_FILESIZE_EXCEEDED)
        r->message = sei_printf("response body larger than max_response_bytes (%zu)", a->max_body);
    else if (a->header_overflow || sei_attempt_header_too_long(a))
        r->message = sei_printf("response headers over the limits (a line of at most 100 KiB, %d "
                                "lines and %d bytes per answer, %d KiB and %d interim answers in "
                                "all)",
                                SEI_MAX_HEADER_COUNT, SEI_MAX_HEADER_BYTES,
                                SEI_MAX_HEADER_TOTAL / 1024, SEI_MAX_INTERIM_ANSWERS);
    else if (a->curl_code != CURLE_OK)
        r->message =
            sei_printf("%s: %s", se_strerror(st),
                       a->curl_error[0] ? a->curl_error : curl_easy_strerror(a->curl_code));
}

/* A text field of a success answer: its JSON string's contents. */
typedef struct field {
    const char *text; /* NULL when absent or not a string */
    size_t len;
} field;

/* The success answer's id, accepted time and rejected_if_false member, read
 * straight from the text (no tree, nothing allocated). false when the text is
 * not a plain strict object or a wanted string has escapes: cJSON decides. */
static bool read_success(const sei_provider *p, const char *body, size_t len, se_status *st,
                         field *id, field *when) {
    sei_json_want want[4]; /* the id fields (at most 2), the time field, rejected_if_false */
    size_t n_ids = 0, n = 0;
    for (const char *const *f = p->id_fields; *f && n_ids < 2; f++)
        want[n_ids++].key = *f;
    n = n_ids;
    const sei_json_want *time = p->time_field ? &want[n] : NULL;
    if (time)
        want[n++].key = p->time_field;
    const sei_json_want *value = p->rejected_if_false ? &want[n] : NULL;
    if (value)
        want[n++].key = p->rejected_if_false;
    if (!sei_json_read_object(body, len, want, n))
        return false;
    for (size_t i = 0; i < n; i++)
        if (want[i].found && want[i].value[0] == '"' && memchr(want[i].value, '\\', want[i].len))
            return false;
    if (value && value->found && value->len == 5 && !memcmp(value->value, "false", 5)) {
        *st = SE_E_REJECTED; /* a failure reported as success (Z-API's {"value": false}) */
        return true;
    }
    for (size_t i = 0; i < n_ids && !id->text; i++) /* the first that holds a string */
        if (want[i].found && want[i].value[0] == '"')
            *id = (field){want[i].value + 1, want[i].len - 2};
    if (time && time->found && time->value[0] == '"')
        *when = (field){time->value + 1, time->len - 2};
    return true;
}

/* What was wrong with an answer the status table calls success. */
typedef enum { ANSWER_OK, ANSWER_TOO_DEEP, ANSWER_NOT_OBJECT } answer_problem;

/* Reads the answer body: the status it comes to (from st), the id and the
 * accepted time of a success, and the parsed tree (*json, NULL unless the
 * body had to be parsed) for a failure's error format. */
static se_status read_answer(const sei_provider *p, const char *body, size_t body_len, se_status st,
                             field *id, field *when, cJSON **json, answer_problem *problem) {
    if (st == SE_OK && read_success(p, body, body_len, &st, id, when)) {
        /* a failure the quick reader saw (Z-API's {"value": false}): its members,
         * such as a "message", are read like any failure's */
        if (st != SE_OK && body_len > 0)
            *json = cJSON_ParseWithLength(body, body_len);
        return st;
    }
    /* a body no face could convert without running out of stack */
    if (body_len > 0 && sei_json_deeper_than(body, body_len, SEI_JSON_MAX_DEPTH)) {
        *problem = ANSWER_TOO_DEEP;
        return SE_E_PROTOCOL;
    }
    if (body_len > 0) /* a failure's answer, or one only cJSON can read */
        *json = cJSON_ParseWithLength(body, body_len);
    if (st != SE_OK)
        return st;
    if (!cJSON_IsObject(*json)) {
        *problem = ANSWER_NOT_OBJECT;
        return SE_E_PROTOCOL;
    }
    if (p->rejected_if_false &&
        cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(*json, p->rejected_if_false)))
        return SE_E_REJECTED;
    for (const char *const *f = p->id_fields; *f && !id->text; f++)
        id->text = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(*json, *f));
    if (p->time_field)
        when->text = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(*json, p->time_field));
    id->len = id->text ? strlen(id->text) : 0;
    when->len = when->text ? strlen(when->text) : 0;
    return SE_OK;
}

/* *text scrubbed of the client's and the request's secrets; false when out of memory. */
static bool scrub_text(sei_job *job, char **text) {
    if (!*text)
        return true;
    char *clean = sei_scrubbed(job->client, &job->http, *text);
    free(*text);
    *text = clean;
    return clean != NULL;
}

/* The failure's provider code and message (scrubbed: the server may echo a
 * credential back); false when out of memory. */
static bool failure_texts(se_response *r, sei_job *job, se_status st, const sei_attempt *a,
                          const cJSON *json, answer_problem problem) {
    if (a) {
        if (problem == ANSWER_TOO_DEEP)
            r->message =
                sei_printf("the provider answered with a body nested deeper than %d levels",
                           SEI_JSON_MAX_DEPTH);
        else if (problem == ANSWER_NOT_OBJECT)
            r->message =
                sei_strdup("the provider answered success with a body that is not a JSON object");
        else if (st != SE_OK && a->curl_code != CURLE_OK)
            transport_message(r, st, a);
        else if (st != SE_OK)
            sei_parse_error(r, json, job->client->provider, a);
    } else if (job->diag.code) { /* nothing reached the API; a credential request may have */
        r->provider_code = sei_strdup(job->diag.code);
    } else if (job->diag.http_status) {
        r->provider_code = sei_printf("%d", job->diag.http_status);
    }
    if (st != SE_OK && !r->message)
        r->message = sei_strdup(job->diag.msg ? job->diag.msg : se_strerror(st));
    if (st != SE_OK && !r->message)
        return false;
    return scrub_text(job, &r->provider_code) && scrub_text(job, &r->message);
}

se_response *sei_job_response(sei_job *job, se_status st, sei_attempt *a, sei_block *block) {
    const sei_provider *p = job->client->provider;
    const char *body = "", *headers = "", *request_id = NULL;
    field id = {NULL, 0}, when = {NULL, 0};
    size_t body_len = 0, headers_len = 0, n_headers = 0;
    cJSON *json = NULL;
    answer_problem problem = ANSWER_OK;
    se_status attempt_st = st; /* what the attempt's log line said */
    if (a) {
        if (a->body.data) {
            body = a->body.data;
            body_len = a->body.len;
        }
        if (a->headers.data) {
            headers = a->headers.data;
            headers_len = a->headers.len;
            n_headers = a->n_headers;
        }
        request_id = find_request_id(p, a);
        st = read_answer(p, body, body_len, st, &id, &when, &json, &problem);
    }
    /* a failure's request id is shown with its message (and exceptions): scrubbed alike */
    char *clean_id =
        st != SE_OK && request_id ? sei_scrubbed(job->client, &job->http, request_id) : NULL;
    if (st != SE_OK && request_id)
        request_id = clean_id; /* NULL when out of memory: dropped, never shown unscrubbed */
    const char *line =
        sei_bufref_str(&job->http.request_line); /* NULL when the request was never built */
    size_t line_len = line ? strlen(line) + 1 : 0, id_len = id.text ? id.len + 1 : 0;
    size_t when_len = when.text ? when.len + 1 : 0;
    size_t request_id_len = request_id ? strnlen(request_id, 255) + 1 : 0;
    const char *token = sei_bufref_str(&job->http.client_token);
    size_t token_len = token ? strlen(token) + 1 : 0;
    size_t size = sizeof(se_response) + body_len + 1 + headers_len + 1 + line_len + id_len +
                  when_len + request_id_len + token_len;
    se_response *r = sei_block_alloc(block, size);
    sei_block *from = r ? block : NULL;
    if (!r && !(r = malloc(size))) {
        cJSON_Delete(json);
        free(clean_id);
        return NULL;
    }
    memset(r, 0, sizeof *r);
    r->block = from;
    char *w = (char *)(r + 1);
    r->body = put(&w, body, body_len);
    r->body_len = body_len;
    r->headers = put(&w, headers, headers_len); /* the pairs, then one more NUL */
    r->n_headers = n_headers;
    if (line)
        r->request_line = put(&w, line, line_len - 1);
    if (id.text)
        r->id = put(&w, id.text, id.len);
    if (when.text)
        r->accepted_time = put(&w, when.text, when.len);
    if (request_id)
        r->request_id = put(&w, request_id, request_id_len - 1);
    if (token)
        r->client_token = put(&w, token, token_len - 1);
    free(clean_id);
    r->provider = p->name;
    r->operation = job->op ? job->op->name : "";
    r->attempts = job->attempts;
    r->sent = job->sent;
    r->elapsed = sei_now() - job->started;
    r->warnings = job->diag.warnings; /* the job ends here: taken, not copied */
    job->diag.warnings = NULL;
    r->http_status = a ? (int)a->http_status : job->diag.http_status;
    r->status = st;
    bool ok = failure_texts(r, job, st, a, json, problem);
    cJSON_Delete(json); /* parsed again on demand: kept, a batch's responses would be large */
    if (!ok) {
        se_response_free(r);
        return NULL;
    }
    /* no attempt, or a body that turned it (Z-API's 200 {"value": false}): say how it ended */
    sei_job_log_end(job->client, job, st, r, a && st == attempt_st);
    return r;
}

/* The parsed body, made on first use. Responses may be read from several
 * threads: the first tree stored wins, a racing one is dropped. */
static cJSON *response_json(const se_response *r) {
    _Atomic(cJSON *) *slot = (_Atomic(cJSON *) *)&r->json; /* a cache, not the response's value */
    cJSON *json = atomic_load(slot), *none = NULL;
    if (json || r->body_len == 0)
        return json;
    if (!(json = cJSON_ParseWithLength(r->body, r->body_len)))
        return NULL;
    if (!atomic_compare_exchange_strong(slot, &none, json)) {
        cJSON_Delete(json);
        return none;
    }
    return json;
}

void se_response_free(se_response *r) {
    if (!r)
        return;
    free(r->provider_code);
    free(r->message);
    free(r->warnings);
    cJSON_Delete(atomic_load(&r->json));
    if (r->block) /* with the texts that follow it */
        sei_block_release(r->block);
    else
        free(r);
}

se_status se_response_status(const se_response *r) {
    return r ? r->status : SE_E_MISUSE;
}
const char *se_response_provider(const se_response *r) {
    return r ? r->provider : NULL;
}
const char *se_response_operation(const se_response *r) {
    return r ? r->operation : NULL;
}
int se_response_http_status(const se_response *r) {
    return r ? r->http_status : 0;
}
const char *se_response_id(const se_response *r) {
    return r ? r->id : NULL;
}
const char *se_response_accepted_time(const se_response *r) {
    return r ? r->accepted_time : NULL;
}
const char *se_response_provider_code(const se_response *r) {
    return r ? r->provider_code : NULL;
}
const char *se_response_error_message(const se_response *r) {
    return r ? r->message : NULL;
}
const char *se_response_request_id(const se_response *r) {
    return r ? r->request_id : NULL;
}
se_sent se_response_sent(const se_response *r) {
    return r ? r->sent : SE_SENT_NO;
}
const char *se_sent_name(se_sent sent) {
    static const char *const names[] = {"no", "maybe", "yes"};
    return sent >= SE_SENT_NO && sent <= SE_SENT_YES ? names[sent] : "unknown";
}
const char *se_response_client_token(const se_response *r) {
    return r ? r->client_token : NULL;
}
const char *se_response_warnings(const se_response *r) {
    return r ? r->warnings : NULL;
}
int se_response_attempts(const se_response *r) {
    return r ? r->attempts : 0;
}
double se_response_elapsed(const se_response *r) {
    return r ? r->elapsed : 0;
}
const char *se_response_body(const se_response *r) {
    return r ? r->body : NULL;
}
size_t se_response_body_len(const se_response *r) {
    return r ? r->body_len : 0;
}

const char *se_response_header(const se_response *r, const char *name) {
    return r && name ? sei_headers_find(r->headers, r->n_headers, name) : NULL;
}

size_t se_response_header_count(const se_response *r) {
    return r ? r->n_headers : 0;
}

se_status se_response_header_at(const se_response *r, size_t index, const char **name,
                                const char **value) {
    if (name)
        *name = NULL;
    if (value)
        *value = NULL;
    if (!r || !name || !value || index >= r->n_headers)
        return SE_E_MISUSE;
    const char *h = r->headers;
    for (size_t i = 0; i < index; i++) {
        h += strlen(h) + 1;
        h += strlen(h) + 1;
    }
    *name = h;
    *value = h + strlen(h) + 1;
    return SE_OK;
}

const char *se_response_request_line(const se_response *r) {
    return r ? r->request_line : NULL;
}

se_status se_response_get(const se_response *r, const char *path, char **out) {
    if (!r || !path || !out)
        return SE_E_MISUSE;
    *out = NULL;
    bool malformed;
    cJSON *v = sei_json_path(response_json(r), path, &malformed);
    if (malformed)
        return SE_E_INVALID;
    if (!v)
        return SE_OK; /* no such field: *out stays NULL */
    char *text = cJSON_PrintUnformatted(v);
    if (!text)
        return SE_E_NOMEM;
    *out = sei_strdup(text); /* handed out for se_free(), which is plain free() */
    cJSON_free(text);
    return *out ? SE_OK : SE_E_NOMEM;
}

const char *se_response_get_string(const se_response *r, const char *path) {
    if (!r || !path)
        return NULL;
    bool malformed;
    cJSON *v = sei_json_path(response_json(r), path, &malformed);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}
