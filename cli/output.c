/*
 * output.c - what the command prints: result lines (JSON or text), validation and dry-run
 * output, error messages, request input, and the lock that keeps the --batch progress line
 * (stderr) from tearing through other output.
 *
 * A result, as one JSON object per line (fields always present, null when not applicable):
 *   index          0-based position among the --batch requests (batch only)
 *   line           1-based line number in the --batch input (batch only)
 *   provider, operation
 *   ok             true when the provider accepted the request
 *   status         "ok" or the failure: invalid, auth, forbidden, not_found, conflict,
 *                  throttled, rejected, server, network, timeout, tls, protocol, nomem, misuse,
 *                  cancelled
 *   id             the provider's id (Sinch event_id/message_id, Z-API messageId, Connect Id)
 *   accepted_time  Sinch accepted_time or Connect AbsoluteTime
 *   http_status    HTTP status of the last attempt (0: no HTTP answer)
 *   attempts       HTTP attempts made (0: nothing was sent)
 *   sent           "no" (never left), "maybe" (written, no answer), "yes" (the provider answered)
 *   elapsed        seconds, the whole send including retries
 *   provider_code  provider error code (INVALID_ARGUMENT, ValidationException, ...)
 *   message        failure detail (provider message, validation or transport error)
 *   request_id     provider request id (Connect x-amzn-RequestId, ...)
 *   client_token   Connect's ClientToken the request carried (null for the other providers)
 *   warnings       list of validation warnings (unknown channel, deprecated ContentType)
 *   body           the provider's JSON answer on success (null on failure)
 */
#define _POSIX_C_SOURCE 200809L
#include "output.h"
#include "cli.h"
#include "dynbuf.h" /* libcore's growable buffer */
#include "json.h"   /* libcore's JSON writer and reader (CMake's sendevent_json) */

#include <cjson/cJSON.h>
#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- the output lock and the progress line -------------------------------------------------- */

static pthread_mutex_t out_mu = PTHREAD_MUTEX_INITIALIZER;
static size_t progress_len; /* characters of the progress line now on screen, 0 = none */

void output_lock(void) {
    pthread_mutex_lock(&out_mu);
}

void output_unlock(void) {
    pthread_mutex_unlock(&out_mu);
}

/* Plain carriage return and spaces: works on any terminal, TERM=dumb included. */
void progress_clear(void) {
    if (!progress_len)
        return;
    fprintf(stderr, "\r%*s\r", (int)progress_len, "");
    fflush(stderr);
    progress_len = 0;
}

void progress_set_line(const char *text) {
    fflush(stdout);
    if (!text) {
        progress_clear();
        return;
    }
    size_t n = strlen(text);
    fprintf(stderr, "\r%s%*s", text, progress_len > n ? (int)(progress_len - n) : 0, "");
    if (progress_len > n) /* move back over the padding */
        fprintf(stderr, "\r%s", text);
    fflush(stderr);
    progress_len = n;
}

void progress_keep(void) {
    if (progress_len)
        fputc('\n', stderr);
    progress_len = 0;
}

void errorf(const char *fmt, ...) {
    output_lock();
    progress_clear();
    fflush(stdout);
    va_list ap;
    va_start(ap, fmt);
    fputs("sendevent: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    output_unlock();
}

void log_to_stderr(int level, const char *message, void *userdata) {
    static const char *const names[] = {"debug", "info", "warning"};
    (void)userdata;
    output_lock();
    progress_clear(); /* the batch redraws it on its next tick */
    fprintf(stderr, "sendevent: [%s] %s\n", names[level < 0 ? 0 : level > 2 ? 2 : level], message);
    output_unlock();
}

/* ---- input ---------------------------------------------------------------------------------- */

char *read_file(const char *path, size_t *len_out) {
    bool is_stdin = strcmp(path, "-") == 0;
    FILE *f = is_stdin ? stdin : fopen(path, "rb");
    if (!f) {
        errorf("cannot read %s: %s", path, strerror(errno));
        return NULL;
    }
    sei_dynbuf buf; /* libcore's growable buffer (CMake's sendevent_json object library) */
    sei_dynbuf_init(&buf, 0);
    size_t n;
    do {
        if (sei_dynbuf_reserve(&buf, 4096) != SE_OK)
            break;
        n = fread(buf.data + buf.len, 1, 4096, f);
        sei_dynbuf_commit(&buf, n);
    } while (n > 0);
    bool failed = buf.error != SE_OK || ferror(f);
    int err = errno;
    if (!is_stdin)
        fclose(f);
    if (failed) {
        errorf("cannot read %s: %s", is_stdin ? "standard input" : path,
               buf.error == SE_OK        ? strerror(err)
               : buf.error == SE_E_NOMEM ? "out of memory"
                                         : "larger than 1 GiB");
        sei_dynbuf_free(&buf);
        return NULL;
    }
    return sei_dynbuf_take(&buf, len_out);
}

char *read_request(const char *arg) {
    if (strcmp(arg, "-") == 0)
        return read_file("-", NULL);
    if (arg[0] == '@')
        return read_file(arg + 1, NULL);
    char *copy = strdup(arg);
    if (!copy)
        errorf("out of memory");
    return copy;
}

/* ---- results -------------------------------------------------------------------------------- */

static void add_str(cJSON *o, const char *name, const char *value) {
    cJSON_AddItemToObject(o, name, value ? cJSON_CreateString(value) : cJSON_CreateNull());
}

static void json_to(FILE *out, cJSON *o) {
    char *s = cJSON_PrintUnformatted(o);
    if (s) {
        fputs(s, out);
        fputc('\n', out);
        cJSON_free(s);
    }
    cJSON_Delete(o);
}

static void print_json(cJSON *o) {
    json_to(stdout, o);
}

static cJSON *head(const struct cli *cli, long index, long line) {
    cJSON *o = cJSON_CreateObject();
    if (index >= 0) {
        cJSON_AddNumberToObject(o, "index", (double)index);
        cJSON_AddNumberToObject(o, "line", (double)line);
    }
    add_str(o, "provider", cli->provider);
    add_str(o, "operation", cli->operation);
    return o;
}

static const char *or_dash(const char *s) {
    return s && *s ? s : "-";
}

/* Whether the request reached the provider: "no" without a response (nothing was sent). */
static const char *sent_word(const se_response *r) {
    return r ? se_sent_name(se_response_sent(r)) : "no";
}

/* Failure message: the response's, else what the client said. */
static const char *failure_message(const se_response *r, const char *fallback) {
    const char *m = r ? se_response_error_message(r) : NULL;
    return m && *m ? m : fallback && *fallback ? fallback : NULL;
}

/* ---- a JSON result, written straight into a buffer (no tree: a --batch writes thousands) ---- */

/* A string value. Bytes that are not UTF-8 (an untrusted server's) become U+FFFD: the writer
 * says where the first one is, and the string is written again without it. */
static void put_text(sei_json_writer *w, const char *value, size_t n) {
    size_t mark = w->out->len;
    bool comma = w->comma;
    char *fixed = NULL;
    while (sei_json_string(w, value, n) == SE_E_INVALID && w->out->error == SE_OK) {
        size_t bad = w->bad_offset; /* undo: the writer wrote nothing of the string */
        w->error = SE_OK;
        w->comma = comma;
        sei_dynbuf_truncate(w->out, mark);
        char *next = malloc(n + 3);
        if (!next) {
            w->error = SE_E_NOMEM; /* sticks: the result is given up */
            break;
        }
        memcpy(next, value, bad);
        memcpy(next + bad, "\xEF\xBF\xBD", 3);
        memcpy(next + bad + 3, value + bad + 1, n - bad - 1);
        n += 2;
        next[n] = '\0';
        free(fixed);
        value = fixed = next;
    }
    free(fixed);
}

/* A member whose value is a string, or null. */
static void put_str(sei_json_writer *w, const char *key, const char *value) {
    sei_json_key(w, key, strlen(key));
    if (value)
        put_text(w, value, strlen(value));
    else
        sei_json_null(w);
}

/* The provider's answer as compact JSON: read and written back event by event (numbers keep
 * their text, bytes that are not UTF-8 in strings become U+FFFD); what the strict reader
 * refuses goes through cJSON; null when not JSON. */
static void put_body(sei_json_writer *w, const char *body) {
    sei_json_key(w, "body", 4);
    size_t mark = w->out->len;
    sei_json_reader r;
    sei_json_reader_init(&r, body, strlen(body), 0);
    sei_json_event e;
    while ((e = sei_json_next(&r)) > SEI_JSON_EOF && w->error == SE_OK) {
        if (e == SEI_JSON_STRING)
            put_text(w, r.str, r.len); /* not UTF-8: U+FFFD, as the other strings */
        else
            sei_json_write_event(w, &r, e);
    }
    sei_json_reader_free(&r);
    if (e == SEI_JSON_EOF && w->error == SE_OK)
        return;
    if (w->out->error != SE_OK)
        return; /* out of memory: the writer's error says so */
    w->error = SE_OK;
    w->comma = false;
    w->depth = 1;
    sei_dynbuf_truncate(w->out, mark);
    cJSON *tree = cJSON_Parse(body);
    char *text = tree ? cJSON_PrintUnformatted(tree) : NULL;
    if (text)
        sei_json_raw(w, text, strlen(text));
    else
        sei_json_null(w);
    cJSON_free(text);
    cJSON_Delete(tree);
}

/* One result as a JSON object and a newline, appended to `out`; false when out of memory. */
static bool json_result(sei_dynbuf *out, const struct cli *cli, const se_response *r, se_status st,
                        long index, long line, const char *fallback) {
    sei_json_writer w;
    sei_json_writer_init(&w, out, 0);
    sei_json_begin_object(&w);
    if (index >= 0) {
        sei_json_key(&w, "index", 5);
        sei_json_int(&w, index);
        sei_json_key(&w, "line", 4);
        sei_json_int(&w, line);
    }
    put_str(&w, "provider", cli->provider);
    put_str(&w, "operation", cli->operation);
    sei_json_key(&w, "ok", 2);
    sei_json_bool(&w, st == SE_OK);
    put_str(&w, "status", se_status_name(st));
    put_str(&w, "id", r ? se_response_id(r) : NULL);
    put_str(&w, "accepted_time", r ? se_response_accepted_time(r) : NULL);
    sei_json_key(&w, "http_status", 11);
    sei_json_int(&w, r ? se_response_http_status(r) : 0);
    sei_json_key(&w, "attempts", 8);
    sei_json_int(&w, r ? se_response_attempts(r) : 0);
    put_str(&w, "sent", sent_word(r));
    sei_json_key(&w, "elapsed", 7);
    sei_json_double(&w, r ? round(se_response_elapsed(r) * 1e6) / 1e6 : 0.0);
    put_str(&w, "provider_code", r && st != SE_OK ? se_response_provider_code(r) : NULL);
    put_str(&w, "message", st != SE_OK ? failure_message(r, fallback) : NULL);
    put_str(&w, "request_id", r ? se_response_request_id(r) : NULL);
    put_str(&w, "client_token", r ? se_response_client_token(r) : NULL);
    sei_json_key(&w, "warnings", 8);
    sei_json_begin_array(&w);
    const char *warnings = r ? se_response_warnings(r) : NULL;
    for (const char *p = warnings; p && *p;) {
        size_t n = strcspn(p, "\n");
        put_text(&w, p, n);
        p += n + (p[n] == '\n');
    }
    sei_json_end_array(&w);
    /* the provider's whole answer on success (create_connection's credentials live there);
     * never on failure, where only the library's scrubbed message is shown */
    if (r && st == SE_OK)
        put_body(&w, se_response_body(r));
    else
        put_str(&w, "body", NULL);
    sei_json_end_object(&w);
    return w.error == SE_OK && sei_dynbuf_addc(out, '\n') == SE_OK;
}

static void result_to(FILE *out, const struct cli *cli, const se_response *r, se_status st,
                      long index, long line, const char *fallback_message) {
    const char *warnings = r ? se_response_warnings(r) : NULL;
    if (cli->output == OUTPUT_JSON) {
        sei_dynbuf buf;
        sei_dynbuf_init(&buf, 0);
        if (json_result(&buf, cli, r, st, index, line, fallback_message))
            fputs(buf.data, out);
        sei_dynbuf_free(&buf);
    } else if (index >= 0) { /* a --batch line in text */
        if (st == SE_OK)
            fprintf(out, "[%ld] accepted: id=%s accepted_time=%s attempts=%d sent=%s", index,
                    or_dash(se_response_id(r)), or_dash(se_response_accepted_time(r)),
                    se_response_attempts(r), sent_word(r));
        else
            fprintf(out, "[%ld] failed: %s (HTTP %d, code %s, attempts %d, sent %s): %s", index,
                    se_status_name(st), r ? se_response_http_status(r) : 0,
                    or_dash(r ? se_response_provider_code(r) : NULL),
                    r ? se_response_attempts(r) : 0, sent_word(r),
                    or_dash(failure_message(r, fallback_message)));
        if (r && se_response_request_id(r))
            fprintf(out, " request_id=%s", se_response_request_id(r));
        if (r && se_response_client_token(r))
            fprintf(out, " client_token=%s", se_response_client_token(r));
        fprintf(out, " (line %ld)\n", line);
    } else if (st == SE_OK) {
        fprintf(out,
                "%s %s accepted: id=%s accepted_time=%s attempts=%d http=%d sent=%s elapsed=%.3fs",
                cli->provider, cli->operation, or_dash(se_response_id(r)),
                or_dash(se_response_accepted_time(r)), se_response_attempts(r),
                se_response_http_status(r), sent_word(r), se_response_elapsed(r));
        if (se_response_request_id(r))
            fprintf(out, " request_id=%s", se_response_request_id(r));
        if (se_response_client_token(r))
            fprintf(out, " client_token=%s", se_response_client_token(r));
        fprintf(out, "\n");
        const char *body = se_response_body(r);
        if (!se_response_id(r) && *body && strcmp(body, "{}") != 0) /* create_connection */
            fprintf(out, "%s\n", body);
    }
    /* a single request's warnings also go to stderr, in both modes; batch ones stay in the
     * results (text: indented lines) */
    for (const char *p = warnings; p && *p;) {
        size_t n = strcspn(p, "\n");
        if (index < 0) {
            fflush(stdout);
            fprintf(stderr, "sendevent: warning: %.*s\n", (int)n, p);
        } else if (cli->output == OUTPUT_TEXT) {
            fprintf(out, "    warning: %.*s\n", (int)n, p);
        }
        p += n + (p[n] == '\n');
    }
}

void print_result(const struct cli *cli, const se_response *r, se_status st, long index, long line,
                  const char *fallback_message) {
    result_to(stdout, cli, r, st, index, line, fallback_message);
}

char *format_result(const struct cli *cli, const se_response *r, se_status st, long index,
                    long line, const char *fallback_message, size_t *len) {
    if (cli->output == OUTPUT_JSON) { /* straight into the buffer handed out */
        sei_dynbuf buf;
        sei_dynbuf_init(&buf, 0);
        if (json_result(&buf, cli, r, st, index, line, fallback_message))
            return sei_dynbuf_take(&buf, len);
        sei_dynbuf_free(&buf);
        return NULL;
    }
    char *text = NULL;
    FILE *f = open_memstream(&text, len);
    if (!f)
        return NULL;
    result_to(f, cli, r, st, index, line, fallback_message);
    if (fclose(f) != 0) {
        free(text);
        return NULL;
    }
    return text;
}

void print_failure(const struct cli *cli, const se_response *r, se_status st,
                   const char *fallback_message) {
    const char *msg = or_dash(failure_message(r, fallback_message));
    fflush(stdout);
    if (st == SE_E_INVALID) {
        errorf("%s %s: invalid request: %s (nothing sent)", cli->provider, cli->operation, msg);
        return;
    }
    const char *rid = r ? se_response_request_id(r) : NULL;
    const char *ct = r ? se_response_client_token(r) : NULL;
    errorf("%s %s failed: %s (HTTP %d, code %s, attempts %d, sent %s): %s%s%s%s%s%s%s",
           cli->provider, cli->operation, se_status_name(st), r ? se_response_http_status(r) : 0,
           or_dash(r ? se_response_provider_code(r) : NULL), r ? se_response_attempts(r) : 0,
           sent_word(r), msg, rid ? " [request_id " : "", rid ? rid : "", rid ? "]" : "",
           ct ? " [client_token " : "", ct ? ct : "", ct ? "]" : "");
}

void print_validation(const struct cli *cli, se_status st, const char *message, long index,
                      long line) {
    if (st == SE_OK)
        message = NULL;
    if (cli->output == OUTPUT_JSON) {
        cJSON *o = head(cli, index, line);
        cJSON_AddBoolToObject(o, "ok", st == SE_OK);
        add_str(o, "status", se_status_name(st));
        add_str(o, "message", message);
        print_json(o);
    } else if (index >= 0) {
        if (st == SE_OK)
            printf("[%ld] valid (line %ld)\n", index, line);
        else
            printf("[%ld] invalid: %s (line %ld)\n", index, or_dash(message), line);
    } else if (st == SE_OK) {
        printf("%s %s: valid\n", cli->provider, cli->operation);
    }
    if (index < 0 && st != SE_OK) {
        fflush(stdout);
        errorf("%s %s: invalid request: %s (nothing sent)", cli->provider, cli->operation,
               or_dash(message));
    }
}

/* Splits se_prepare's text ("POST /path HTTP/1.1\r\nName: value\r\n...\r\n\r\nbody"). */
static cJSON *parse_http(const char *http) {
    cJSON *o = cJSON_CreateObject();
    const char *end = strstr(http, "\r\n");
    const char *p = http;
    size_t n = end ? (size_t)(end - p) : strlen(p);
    char *first = strndup(p, n);
    if (first) {
        char *sp1 = strchr(first, ' '), *sp2 = sp1 ? strchr(sp1 + 1, ' ') : NULL;
        if (sp2)
            *sp2 = '\0';
        if (sp1)
            *sp1 = '\0';
        add_str(o, "method", first);
        add_str(o, "path", sp1 ? sp1 + 1 : NULL);
        free(first);
    }
    cJSON *headers = cJSON_AddObjectToObject(o, "headers");
    p = end ? end + 2 : p + n;
    while (*p && strncmp(p, "\r\n", 2) != 0) {
        end = strstr(p, "\r\n");
        n = end ? (size_t)(end - p) : strlen(p);
        char *h = strndup(p, n);
        char *colon = h ? strchr(h, ':') : NULL;
        if (colon) {
            *colon = '\0';
            const char *v = colon + 1;
            while (*v == ' ')
                v++;
            add_str(headers, h, v);
        }
        free(h);
        p = end ? end + 2 : p + n;
    }
    if (strncmp(p, "\r\n", 2) == 0)
        p += 2;
    cJSON *body = cJSON_Parse(p);
    cJSON_AddItemToObject(o, "body", body ? body : cJSON_CreateString(p));
    return o;
}

void print_prepared(const struct cli *cli, const char *http, long index, long line) {
    if (cli->output == OUTPUT_JSON) {
        cJSON *o = head(cli, index, line);
        cJSON_AddBoolToObject(o, "ok", true);
        cJSON *req = parse_http(http);
        for (cJSON *it = req->child; it;) { /* hoist method/path/headers/body into o */
            cJSON *next = it->next;
            cJSON_AddItemToObject(o, it->string, cJSON_DetachItemViaPointer(req, it));
            it = next;
        }
        cJSON_Delete(req);
        print_json(o);
        return;
    }
    if (index >= 0)
        printf("### [%ld] line %ld\n", index, line);
    size_t n = strlen(http);
    fputs(http, stdout);
    if (!n || http[n - 1] != '\n')
        fputc('\n', stdout);
    if (index >= 0)
        fputc('\n', stdout);
}
