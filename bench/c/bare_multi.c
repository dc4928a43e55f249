/* bare_multi.c - the concurrent baseline: a hand-written libcurl multi client
 * with 64 transfers in flight (64 easy handles, each reused for the next event
 * as soon as its answer is read). Per event it does what bare_loop.c does:
 * build the JSON body with cJSON (Connect: with a fresh UUID v4 ClientToken),
 * POST with the same headers, check the status, parse the answer, read the id.
 *   bare_multi PROVIDER BASE_URL N [WARMUP]      (see common.h)
 * WARMUP events run first on a separate multi handle (so, like a new se_batch,
 * the measured run opens its own connections). */
#include <cjson/cJSON.h>
#include <curl/curl.h>

#include "common.h"

#define IN_FLIGHT 64

typedef struct {
    CURL *h;
    char *body;
    char *data;
    size_t len;
} slot;

static size_t on_body(char *d, size_t s, size_t n, void *u) {
    slot *sl = u;
    char *p = realloc(sl->data, sl->len + s * n + 1);
    if (!p)
        return 0;
    memcpy(p + sl->len, d, s * n);
    sl->len += s * n;
    p[sl->len] = '\0';
    sl->data = p;
    return s * n;
}

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

static const char *g_url;
static struct curl_slist *g_hdr;
static int g_provider;

static int start(CURLM *m, slot *s) {
    s->body = build_body(g_provider);
    s->data = NULL;
    s->len = 0;
    if (!s->body)
        return -1;
    curl_easy_setopt(s->h, CURLOPT_URL, g_url);
    curl_easy_setopt(s->h, CURLOPT_HTTPHEADER, g_hdr);
    curl_easy_setopt(s->h, CURLOPT_POSTFIELDS, s->body);
    curl_easy_setopt(s->h, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(s->h, CURLOPT_WRITEDATA, s);
    curl_easy_setopt(s->h, CURLOPT_PRIVATE, s);
    curl_easy_setopt(s->h, CURLOPT_NOSIGNAL, 1L);
    return curl_multi_add_handle(m, s->h) == CURLM_OK ? 0 : -1;
}

/* Sends n events with IN_FLIGHT at once on a new multi handle; returns how many succeeded. */
static long run(slot *slots, long n) {
    CURLM *m = curl_multi_init();
    long started = 0, done = 0, ok = 0;
    for (int i = 0; i < IN_FLIGHT && started < n; i++, started++)
        if (start(m, &slots[i]) != 0)
            return -1;
    while (done < n) {
        int running = 0, left = 0;
        curl_multi_perform(m, &running);
        CURLMsg *msg;
        while ((msg = curl_multi_info_read(m, &left))) {
            if (msg->msg != CURLMSG_DONE)
                continue;
            slot *s = NULL;
            curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **)&s);
            long status = 0;
            CURLcode rc = msg->data.result;
            curl_easy_getinfo(s->h, CURLINFO_RESPONSE_CODE, &status);
            curl_multi_remove_handle(m, s->h);
            if (rc == CURLE_OK && status == 200)
                ok += read_answer(g_provider, s->data);
            free(s->data);
            cJSON_free(s->body);
            done++;
            if (started < n) {
                if (start(m, s) != 0)
                    return -1;
                started++;
            }
        }
        if (done < n)
            curl_multi_poll(m, NULL, 0, 1000, NULL);
    }
    curl_multi_cleanup(m);
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
    g_url = url;
    g_hdr = hdr;
    g_provider = a.provider;
    curl_global_init(CURL_GLOBAL_DEFAULT);
    slot slots[IN_FLIGHT];
    for (int i = 0; i < IN_FLIGHT; i++)
        slots[i].h = curl_easy_init();
    long ok_warm = a.warmup > 0 ? run(slots, a.warmup) : 0;
    bench_mark t0, t1;
    bench_now(&t0);
    long ok = run(slots, a.n);
    bench_now(&t1);
    bench_report(&t0, &t1, a.n, ok);
    for (int i = 0; i < IN_FLIGHT; i++)
        curl_easy_cleanup(slots[i].h);
    curl_slist_free_all(hdr);
    curl_global_cleanup();
    return ok == a.n && ok_warm == a.warmup ? 0 : 1;
}
