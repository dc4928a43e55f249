/* The control API under /_emulator/: never authenticated, never logged, never faulted; refused
 * (403) to a browser page of another origin.
 *   GET    /_emulator/requests[?all=1][&after=SEQ][&last=N][&redact=1]
 *                                         what was accepted (all=1: also what was rejected;
 *                                         after: newer records only; last: the newest N only;
 *                                         redact: as the page shows)
 *   GET    /_emulator/changes?since=V&wait=S   the version of what is shown; waits up to S
 *                                         seconds for it to move from V (http.c parks it)
 *   GET    /_emulator/ui[/FILE]          the inbox page and its files (ui.c)
 *   POST   /_emulator/reset              clear log, faults, tokens, idempotency; drop hangs;
 *                                         rate limits back to the flags' values, full, zero
 *   GET    /_emulator/faults             pending faults
 *   POST   /_emulator/faults             add one fault (spec object) or several (array)
 *   DELETE /_emulator/faults             clear faults
 *   GET    /_emulator/config             credentials and settings in effect
 *   GET    /_emulator/limits             rate limits in force and their counters
 *   POST   /_emulator/limits             change them ({"sinch"|"sinch_token"|"connect":
 *                                         {"rate", "burst"}})
 *   GET    /_emulator/callbacks[?after=SEQ][&last=N]  every callback attempt (and skipped one)
 *   GET    /_emulator/webhooks           where callbacks go now
 *   POST   /_emulator/webhooks           change it (sinch_url, sinch_secret, zapi_url)
 *   POST   /_emulator/connect/agent      the other side of a Connect chat sends an item
 *   GET    /_emulator/connect/agent[?after=SEQ][&last=N]   what it sent (the page's transcript) */
#include "control.h"

#include "callbacks.h"
#include "chat.h"
#include "deliveries.h"
#include "emulator.h"
#include "ratelimit.h"
#include "reply.h"
#include "store.h"
#include "ui.h"
#include "util.h"
#include "view.h"
#include "watch.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#ifndef EMULATOR_VERSION
#define EMULATOR_VERSION "0"
#endif

void (*control_on_reset)(void);

static void control_error(struct reply *rp, int status, const char *message) {
    cJSON *doc = cJSON_CreateObject();
    cJSON_AddStringToObject(doc, "error", message);
    reply_json(rp, status, doc);
}

static bool method_is(const struct request *rq, struct reply *rp, const char *allowed) {
    size_t n = strlen(rq->method);
    for (const char *a = allowed; *a; a += strspn(a, ", ")) {
        size_t len = strcspn(a, ", ");
        if (len == n && strncmp(a, rq->method, n) == 0)
            return true;
        a += len;
    }
    control_error(rp, 405, "method not allowed");
    reply_header(rp, "Allow", allowed);
    return false;
}

/* Looks name up in a raw query: 1 with its value ("" for a bare name) copied into buf, 0 when
 * absent, -1 when the value does not fit in buf. */
static int query_value(const char *q, const char *name, char *buf, size_t cap) {
    size_t n = strlen(name);
    for (const char *p = q; p && *p; p = strchr(p, '&'), p = p ? p + 1 : NULL) {
        if (strncmp(p, name, n) != 0 || (p[n] && p[n] != '=' && p[n] != '&'))
            continue;
        const char *v = p[n] == '=' ? p + n + 1 : p + n;
        size_t len = strcspn(v, "&");
        if (len >= cap)
            return -1;
        memcpy(buf, v, len);
        buf[len] = '\0';
        return 1;
    }
    return 0;
}

/* ?all=1 (also all, all=true, all=yes); the same for redact. */
static bool query_flag(const char *q, const char *name) {
    char v[8];
    return query_value(q, name, v, sizeof v) == 1 &&
           (!*v || !strcmp(v, "1") || !strcmp(v, "true") || !strcmp(v, "yes"));
}

/* An unsigned decimal parameter in 0..max; absent: 0. False when malformed. */
static bool query_number(const char *q, const char *name, uint64_t max, uint64_t *out) {
    char v[24];
    int found = query_value(q, name, v, sizeof v);
    *out = 0;
    if (found == 0)
        return true;
    if (found < 0 || !*v || strspn(v, "0123456789") != strlen(v))
        return false;
    errno = 0;
    unsigned long long x = strtoull(v, NULL, 10);
    if (errno == ERANGE || x > max)
        return false;
    *out = x;
    return true;
}

static void add_faults(const struct request *rq, struct reply *rp) {
    cJSON *spec = cJSON_ParseWithLength(rq->body, rq->body_len);
    if (!spec) {
        control_error(rp, 400, "fault spec must be JSON");
        return;
    }
    char err[200];
    if (cJSON_IsArray(spec)) { /* stops at the first invalid spec; earlier ones stay added */
        cJSON *out = cJSON_CreateObject();
        cJSON *arr = cJSON_AddArrayToObject(out, "faults");
        for (const cJSON *it = spec->child; it; it = it->next) {
            cJSON *desc = deliveries_fault_check(it, err, sizeof err)
                              ? store_fault_add(it, err, sizeof err)
                              : NULL;
            if (!desc) {
                cJSON_Delete(out);
                control_error(rp, 400, err);
                cJSON_Delete(spec);
                return;
            }
            cJSON_AddItemToArray(arr, desc);
        }
        reply_json(rp, 200, out);
    } else {
        cJSON *desc = deliveries_fault_check(spec, err, sizeof err)
                          ? store_fault_add(spec, err, sizeof err)
                          : NULL;
        if (desc)
            reply_json(rp, 200, desc);
        else
            control_error(rp, 400, err);
    }
    cJSON_Delete(spec);
}

static cJSON *config_json(void) {
    char buf[400];
    cJSON *doc = cJSON_CreateObject();
    cJSON_AddStringToObject(doc, "version", EMULATOR_VERSION);
    cJSON_AddStringToObject(doc, "url", cfg.url);
    cJSON_AddNumberToObject(doc, "max_records", (double)cfg.max_records);
    cJSON_AddNumberToObject(doc, "max_body_bytes", (double)cfg.max_body_bytes);
    cJSON_AddNumberToObject(doc, "idle_timeout", cfg.idle_timeout);
    cJSON *s = cJSON_AddObjectToObject(doc, "sinch");
    cJSON_AddStringToObject(s, "base_url", cfg.url);
    snprintf(buf, sizeof buf, "%s/oauth2/token", cfg.url);
    cJSON_AddStringToObject(s, "token_url", buf);
    cJSON_AddStringToObject(s, "key_id", cfg.sinch_key_id);
    cJSON_AddStringToObject(s, "key_secret", cfg.sinch_key_secret);
    cJSON_AddNumberToObject(s, "token_lifetime", (double)cfg.sinch_token_lifetime);
    cJSON *z = cJSON_AddObjectToObject(doc, "zapi");
    cJSON_AddStringToObject(z, "base_url", cfg.url);
    cJSON_AddStringToObject(z, "instance_id", cfg.zapi_instance_id);
    cJSON_AddStringToObject(z, "token", cfg.zapi_token);
    cJSON_AddStringToObject(z, "client_token", cfg.zapi_client_token);
    cJSON *c = cJSON_AddObjectToObject(doc, "connect");
    cJSON_AddStringToObject(c, "endpoint", cfg.url);
    cJSON_AddStringToObject(c, "participant_token", cfg.connect_participant_token);
    cJSON_AddStringToObject(c, "connection_token", cfg.connect_connection_token);
    cJSON_AddItemToObject(doc, "callbacks", callbacks_settings_json());
    return doc;
}

static void webhooks(const struct request *rq, struct reply *rp) {
    if (!method_is(rq, rp, "GET, POST"))
        return;
    if (strcmp(rq->method, "POST") == 0) {
        cJSON *spec = cJSON_ParseWithLength(rq->body, rq->body_len);
        char err[240];
        bool ok = spec && callbacks_settings_update(spec, err, sizeof err);
        cJSON_Delete(spec);
        if (!ok) {
            control_error(rp, 400, spec ? err : "body must be JSON");
            return;
        }
    }
    reply_json(rp, 200, callbacks_settings_json());
}

static void limits(const struct request *rq, struct reply *rp) {
    if (!method_is(rq, rp, "GET, POST"))
        return;
    if (strcmp(rq->method, "POST") == 0) {
        cJSON *spec = cJSON_ParseWithLength(rq->body, rq->body_len);
        char err[240];
        bool ok = spec && ratelimit_update(spec, err, sizeof err);
        cJSON_Delete(spec);
        if (!ok) {
            control_error(rp, 400, spec ? err : "body must be JSON");
            return;
        }
    }
    reply_json(rp, 200, ratelimit_json());
}

/* after=SEQ and last=N of the log reads; false with rp filled when malformed. */
static bool log_window(const struct request *rq, struct reply *rp, const char *what,
                       uint64_t *after, uint64_t *last) {
    char msg[80];
    if (!query_number(rq->query, "after", UINT64_MAX, after)) {
        snprintf(msg, sizeof msg, "after: must be a %s seq (an unsigned integer)", what);
        control_error(rp, 400, msg);
        return false;
    }
    if (!query_number(rq->query, "last", SIZE_MAX, last)) {
        control_error(rp, 400, "last: must be an unsigned integer (0 = no limit)");
        return false;
    }
    return true;
}

/* GET /_emulator/requests[?all=1][&after=SEQ][&last=N][&redact=1] */
static void requests(const struct request *rq, struct reply *rp) {
    uint64_t after, last;
    if (!method_is(rq, rp, "GET") || !log_window(rq, rp, "request", &after, &last))
        return;
    cJSON *doc = store_requests_json(query_flag(rq->query, "all"), after, (size_t)last);
    if (query_flag(rq->query, "redact"))
        view_redact_requests(doc);
    reply_json(rp, 200, doc);
}

static void callbacks(const struct request *rq, struct reply *rp) {
    uint64_t after, last;
    if (method_is(rq, rp, "GET") && log_window(rq, rp, "callback", &after, &last))
        reply_json(rp, 200, callbacks_json(after, (size_t)last));
}

static void connect_agent(const struct request *rq, struct reply *rp) {
    uint64_t after, last;
    if (!method_is(rq, rp, "GET, POST"))
        return;
    if (strcmp(rq->method, "GET") == 0) {
        if (log_window(rq, rp, "item", &after, &last))
            reply_json(rp, 200, chat_agent_items(after, (size_t)last));
        return;
    }
    cJSON *spec = cJSON_ParseWithLength(rq->body, rq->body_len);
    char err[200] = "body must be JSON";
    int status = 400;
    cJSON *ans = spec ? chat_agent_send(spec, &status, err, sizeof err) : NULL;
    cJSON_Delete(spec);
    if (ans)
        reply_json(rp, 200, ans);
    else
        control_error(rp, status, err);
}

#define CHANGES_MAX_WAIT 30 /* seconds: below the idle timeouts of proxies and browsers */

static bool changes_query(const char *q, uint64_t *since, uint64_t *wait) {
    return query_number(q, "since", UINT64_MAX, since) &&
           query_number(q, "wait", CHANGES_MAX_WAIT, wait);
}

bool control_changes_wait(const struct request *rq, uint64_t *since, long *wait_ms) {
    uint64_t s, w;
    if (strcmp(rq->path, "/_emulator/changes") != 0 || strcmp(rq->method, "GET") != 0 ||
        !changes_query(rq->query, &s, &w) || w == 0 || s != watch_version())
        return false;
    *since = s;
    *wait_ms = (long)w * 1000;
    return true;
}

/* GET /_emulator/changes?since=V&wait=S: what does not wait (see control_changes_wait). */
static void changes(const struct request *rq, struct reply *rp) {
    uint64_t since, wait;
    if (!method_is(rq, rp, "GET"))
        return;
    if (!changes_query(rq->query, &since, &wait)) {
        control_error(rp, 400, "since: an unsigned integer; wait: seconds in 0..30");
        return;
    }
    cJSON *doc = cJSON_CreateObject();
    cJSON_AddNumberToObject(doc, "version", (double)watch_version());
    reply_json(rp, 200, doc);
    reply_header(rp, "Cache-Control", "no-store");
}

/* A browser names the page behind a request in Origin. The inbox page is same-origin; a page of
 * any other site open in the developer's browser must not reset, fault or read the emulator
 * through it. Clients that are not browsers send no Origin. */
static bool origin_allowed(const struct request *rq) {
    const char *origin = request_header(rq, "Origin"), *host = request_header(rq, "Host");
    if (!origin)
        return true;
    const char *rest = strncmp(origin, "http://", 7) == 0    ? origin + 7
                       : strncmp(origin, "https://", 8) == 0 ? origin + 8
                                                             : NULL;
    return rest && host && strcasecmp(rest, host) == 0;
}

bool control_handle(const struct request *rq, struct reply *rp) {
    const char *p = rq->path;
    if (!origin_allowed(rq)) {
        control_error(rp, 403, "Origin: a page of another origin may not use the control API");
    } else if (strcmp(p, "/_emulator/requests") == 0) {
        requests(rq, rp);
    } else if (strcmp(p, "/_emulator/changes") == 0) {
        changes(rq, rp);
    } else if (strcmp(p, "/_emulator/ui") == 0 || strncmp(p, "/_emulator/ui/", 14) == 0) {
        if (method_is(rq, rp, "GET") && !ui_serve(p + 13, rp))
            control_error(rp, 404, "no such page of the inbox");
    } else if (strcmp(p, "/_emulator/reset") == 0) {
        if (method_is(rq, rp, "POST")) {
            if (control_on_reset)
                control_on_reset();
            store_reset();
            ratelimit_reset();
            callbacks_reset();
            chat_reset();
            reply_text(rp, 200, "{\"reset\":true}");
        }
    } else if (strcmp(p, "/_emulator/faults") == 0) {
        if (!method_is(rq, rp, "GET, POST, DELETE"))
            return true;
        if (strcmp(rq->method, "GET") == 0) {
            reply_json(rp, 200, store_faults_json());
        } else if (strcmp(rq->method, "POST") == 0) {
            add_faults(rq, rp);
        } else {
            store_faults_clear();
            reply_json(rp, 200, store_faults_json());
        }
    } else if (strcmp(p, "/_emulator/config") == 0) {
        if (method_is(rq, rp, "GET"))
            reply_json(rp, 200, config_json());
    } else if (strcmp(p, "/_emulator/callbacks") == 0) {
        callbacks(rq, rp);
    } else if (strcmp(p, "/_emulator/limits") == 0) {
        limits(rq, rp);
    } else if (strcmp(p, "/_emulator/webhooks") == 0) {
        webhooks(rq, rp);
    } else if (strcmp(p, "/_emulator/connect/agent") == 0) {
        connect_agent(rq, rp);
    } else {
        control_error(rp, 404, "no such control endpoint; see docs/emulator.md");
    }
    return true;
}
