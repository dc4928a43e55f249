/* bare_multi.c - the concurrent baseline: a hand-written libcurl multi client
 * with 64 transfers in flight (64 easy handles, each reused for the next event
 * as soon as its answer is read). Per event it does what bare_loop.c does:
 * build the JSON body with cJSON (Connect: with a fresh UUID v4 ClientToken),
 * POST with the same headers, check the status, parse the answer, read the id.
 *   bare_multi [--cold fresh|reuse --batch B] PROVIDER BASE_URL N [WARMUP [CA_FILE]]
 * (see common.h). WARMUP events run first on the same multi handle, which keeps
 * its 64 connections for the measured run (CURLMOPT_MAXCONNECTS 64: curl's
 * default keeps four per transfer still running and so closes some as the run
 * ends), as a client's se_batch and send_many calls share its connections.
 * Cold batches (--cold): "fresh" makes a new multi handle and 64 new easy
 * handles for each batch, so nothing is resumed; "reuse" keeps them, and each
 * easy handle resumes the TLS session of its previous connection (curl's
 * per-handle session cache, on by default; no share handle). */
#include "baseline.h"

#define IN_FLIGHT 64

typedef struct {
    CURL *h;
    char *body;
    buf answer;
} slot;

static const char *g_url;
static struct curl_slist *g_hdr;
static int g_provider;

static int start(CURLM *m, slot *s) {
    s->body = build_body(g_provider);
    s->answer = (buf){0};
    if (!s->body)
        return -1;
    curl_easy_setopt(s->h, CURLOPT_URL, g_url);
    curl_easy_setopt(s->h, CURLOPT_HTTPHEADER, g_hdr);
    curl_easy_setopt(s->h, CURLOPT_POSTFIELDS, s->body);
    curl_easy_setopt(s->h, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(s->h, CURLOPT_WRITEDATA, &s->answer);
    curl_easy_setopt(s->h, CURLOPT_PRIVATE, s);
    curl_easy_setopt(s->h, CURLOPT_NOSIGNAL, 1L);
    return curl_multi_add_handle(m, s->h) == CURLM_OK ? 0 : -1;
}

/* A multi handle and its 64 easy handles: what holds the connections. */
typedef struct {
    CURLM *m;
    slot slots[IN_FLIGHT];
} multi_client;

/* Sends n events with IN_FLIGHT at once; returns how many succeeded, -1 if one could not start. */
static long run(void *client, const bench_args *a, long n) {
    (void)a;
    CURLM *m = ((multi_client *)client)->m;
    slot *slots = ((multi_client *)client)->slots;
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
                ok += read_answer(g_provider, s->answer.data);
            free(s->answer.data);
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
    return ok;
}

static void close_client(void *client) {
    multi_client *c = client;
    curl_multi_cleanup(c->m);
    for (int i = 0; i < IN_FLIGHT; i++)
        curl_easy_cleanup(c->slots[i].h);
    free(c);
}

static void *open_client(const bench_args *a) {
    multi_client *c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    for (int i = 0; i < IN_FLIGHT; i++) {
        c->slots[i].h = curl_easy_init();
        if (a->ca_file)
            curl_easy_setopt(c->slots[i].h, CURLOPT_CAINFO, a->ca_file);
    }
    c->m = curl_multi_init();
    curl_multi_setopt(c->m, CURLMOPT_MAXCONNECTS, (long)IN_FLIGHT);
    return c;
}

int main(int argc, char **argv) {
    bench_args a;
    bench_parse_args(argc, argv, &a, 1);
    char url[1024];
    struct curl_slist *hdr = endpoint(&a, url, sizeof url);
    g_url = url;
    g_hdr = hdr;
    g_provider = a.provider;
    curl_global_init(CURL_GLOBAL_DEFAULT);
    static const bench_multi_ops ops = {open_client, run, close_client};
    int rc = bench_multi_main(&a, &ops);
    curl_slist_free_all(hdr);
    curl_global_cleanup();
    return rc;
}
