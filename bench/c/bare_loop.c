/* bare_loop.c - the sequential baseline: what a minimal hand-written client does
 * with one libcurl easy handle + cJSON over keep-alive, per event: build the
 * provider's JSON body (Connect: with a fresh UUID v4 ClientToken, as the AWS
 * SDKs add), POST it with the same headers libsendevent sends (auth included),
 * check the status, parse the JSON answer and read the id (and the accepted
 * time where the provider gives one).
 *   bare_loop PROVIDER BASE_URL N [WARMUP]      (see common.h) */
#include <cjson/cJSON.h>
#include <curl/curl.h>

#include "common.h"

typedef struct {
    char *data;
    size_t len;
} buf;

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

int main(int argc, char **argv) {
    bench_args a;
    bench_parse_args(argc, argv, &a);
    char url[1024];
    struct curl_slist *hdr = NULL;
    switch (a.provider) {
    case P_SINCH:
        snprintf(url, sizeof url, "%s/v1/projects/%s/events:send", a.base_url, BENCH_SINCH_PROJECT);
        hdr = curl_slist_append(hdr, "Authorization: Bearer " BENCH_SINCH_TOKEN);
        hdr = curl_slist_append(hdr, "Content-Type: application/json");
        hdr = curl_slist_append(hdr, "Accept: application/json");
        break;
    case P_ZAPI:
        snprintf(url, sizeof url, "%s/instances/%s/token/%s/send-event", a.base_url,
                 BENCH_ZAPI_INSTANCE, BENCH_ZAPI_TOKEN);
        hdr = curl_slist_append(hdr, "Content-Type: application/json");
        hdr = curl_slist_append(hdr, "Client-Token: " BENCH_ZAPI_CLIENT_TOKEN);
        break;
    default:
        snprintf(url, sizeof url, "%s/participant/event", a.base_url);
        hdr = curl_slist_append(hdr, "X-Amz-Bearer: " BENCH_CONNECT_TOKEN);
        hdr = curl_slist_append(hdr, "Content-Type: application/json");
        break;
    }
    curl_global_init(CURL_GLOBAL_DEFAULT);
    CURL *h = curl_easy_init();
    long ok = 0, ok_warm = 0;
    bench_mark t0, t1;
    for (long i = 0; i < a.warmup + a.n; i++) {
        if (i == a.warmup) {
            ok_warm = ok;
            ok = 0;
            bench_now(&t0);
        }
        char *body = build_body(a.provider);
        buf b = {0};
        curl_easy_setopt(h, CURLOPT_URL, url);
        curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdr);
        curl_easy_setopt(h, CURLOPT_POSTFIELDS, body);
        curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
        curl_easy_setopt(h, CURLOPT_WRITEDATA, &b);
        curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
        long status = 0;
        if (body && curl_easy_perform(h) == CURLE_OK &&
            curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status) == CURLE_OK && status == 200)
            ok += read_answer(a.provider, b.data);
        free(b.data);
        cJSON_free(body);
    }
    bench_now(&t1);
    bench_report(&t0, &t1, a.n, ok);
    curl_slist_free_all(hdr);
    curl_easy_cleanup(h);
    curl_global_cleanup();
    return ok == a.n && ok_warm == a.warmup ? 0 : 1;
}
