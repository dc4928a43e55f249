/* baseline.h - what the two hand-written baselines (bare_loop.c, bare_multi.c)
 * share: the response buffer, each provider's body built with cJSON, reading
 * the answer, and the endpoint with its headers. Header-only: each baseline is
 * one translation unit. */
#ifndef BENCH_BASELINE_H
#define BENCH_BASELINE_H

#include <cjson/cJSON.h>
#include <curl/curl.h>

#include "common.h"

typedef struct {
    char *data;
    size_t len;
} buf;

/* CURLOPT_WRITEFUNCTION appending to a buf. */
static size_t on_body(char *d, size_t s, size_t n, void *u) {
    buf *b = u;
    char *p = realloc(b->data, b->len + s * n + 1);
    if (!p)
        return 0;
    memcpy(p + b->len, d, s * n);
    b->len += s * n;
    p[b->len] = '\0';
    b->data = p;
    return s * n;
}

/* The provider's body, built with cJSON; NULL on failure. */
static char *build_body(int provider) {
    cJSON *req = cJSON_CreateObject();
    if (provider == P_SINCH) {
        cJSON_AddStringToObject(req, "app_id", "01HBENCHAPP0000000000000000");
        cJSON *rcpt = cJSON_AddObjectToObject(req, "recipient");
        cJSON_AddStringToObject(rcpt, "contact_id", "01HBENCHCONTACT00000000000");
        cJSON *ev = cJSON_AddObjectToObject(req, "event");
        cJSON_AddObjectToObject(ev, "composing_event");
    } else if (provider == P_ZAPI) {
        cJSON_AddStringToObject(req, "phone", "120363019502650977-group");
        cJSON *ev = cJSON_AddObjectToObject(req, "event");
        cJSON_AddStringToObject(ev, "name", "Standup");
        cJSON_AddStringToObject(ev, "dateTime", "2024-04-29T09:30:53.309Z");
    } else {
        char uuid[37];
        if (bench_uuid4(uuid) != 0) {
            cJSON_Delete(req);
            return NULL;
        }
        cJSON_AddStringToObject(req, "ContentType",
                                "application/vnd.amazonaws.connect.event.typing");
        cJSON_AddStringToObject(req, "ClientToken", uuid);
    }
    char *body = cJSON_PrintUnformatted(req);
    cJSON_Delete(req);
    return body;
}

/* 1 when the answer is a JSON object with the provider's id. */
static int read_answer(int provider, const char *data) {
    cJSON *resp = data ? cJSON_Parse(data) : NULL;
    const char *id_key = provider == P_SINCH ? "event_id" : provider == P_ZAPI ? "messageId" : "Id";
    const char *time_key = provider == P_SINCH     ? "accepted_time"
                           : provider == P_CONNECT ? "AbsoluteTime"
                                                   : NULL;
    const char *id = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(resp, id_key));
    const char *when =
        time_key ? cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(resp, time_key)) : "";
    int ok = id != NULL && when != NULL;
    cJSON_Delete(resp);
    return ok;
}

/* The provider's send_event URL (into url) and its headers, as libsendevent sends them. */
static struct curl_slist *endpoint(const bench_args *a, char *url, size_t cap) {
    struct curl_slist *hdr = NULL;
    switch (a->provider) {
    case P_SINCH:
        snprintf(url, cap, "%s/v1/projects/%s/events:send", a->base_url, BENCH_SINCH_PROJECT);
        hdr = curl_slist_append(hdr, "Authorization: Bearer " BENCH_SINCH_TOKEN);
        hdr = curl_slist_append(hdr, "Content-Type: application/json");
        hdr = curl_slist_append(hdr, "Accept: application/json");
        break;
    case P_ZAPI:
        snprintf(url, cap, "%s/instances/%s/token/%s/send-event", a->base_url, BENCH_ZAPI_INSTANCE,
                 BENCH_ZAPI_TOKEN);
        hdr = curl_slist_append(hdr, "Content-Type: application/json");
        hdr = curl_slist_append(hdr, "Client-Token: " BENCH_ZAPI_CLIENT_TOKEN);
        break;
    default:
        snprintf(url, cap, "%s/participant/event", a->base_url);
        hdr = curl_slist_append(hdr, "X-Amz-Bearer: " BENCH_CONNECT_TOKEN);
        hdr = curl_slist_append(hdr, "Content-Type: application/json");
        break;
    }
    return hdr;
}

#endif
