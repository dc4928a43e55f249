/* bare_loop.c - the baseline: one libcurl easy handle + cJSON, sequential over
 * keep-alive, doing what a minimal hand-written client must: build the JSON
 * body, POST it with auth headers, parse the JSON answer and read the id.
 *   bare_loop URL N   (URL: the full endpoint, e.g. a Z-API send-event path) */
#include <cjson/cJSON.h>
#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

int main(int argc, char **argv) {
    if (argc != 3) {
        fprintf(stderr, "usage: %s URL N\n", argv[0]);
        return 2;
    }
    long n = atol(argv[2]);
    curl_global_init(CURL_GLOBAL_DEFAULT);
    CURL *h = curl_easy_init();
    struct curl_slist *hdr = NULL;
    hdr = curl_slist_append(hdr, "Content-Type: application/json");
    hdr = curl_slist_append(hdr, "Client-Token: emulator-client-token");
    long ok = 0;
    for (long i = 0; i < n; i++) {
        cJSON *req = cJSON_CreateObject();
        cJSON_AddStringToObject(req, "phone", "120363019502650977-group");
        cJSON *ev = cJSON_AddObjectToObject(req, "event");
        cJSON_AddStringToObject(ev, "name", "Standup");
        cJSON_AddStringToObject(ev, "dateTime", "2024-04-29T09:30:53.309Z");
        char *body = cJSON_PrintUnformatted(req);
        buf b = {0};
        curl_easy_setopt(h, CURLOPT_URL, argv[1]);
        curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdr);
        curl_easy_setopt(h, CURLOPT_POSTFIELDS, body);
        curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
        curl_easy_setopt(h, CURLOPT_WRITEDATA, &b);
        curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
        long status = 0;
        if (curl_easy_perform(h) == CURLE_OK &&
            curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status) == CURLE_OK && status == 200) {
            cJSON *resp = cJSON_Parse(b.data);
            ok += cJSON_GetStringValue(cJSON_GetObjectItem(resp, "messageId")) != NULL;
            cJSON_Delete(resp);
        }
        free(b.data);
        cJSON_free(body);
        cJSON_Delete(req);
    }
    curl_slist_free_all(hdr);
    curl_easy_cleanup(h);
    curl_global_cleanup();
    printf("%ld/%ld ok\n", ok, n);
    return ok == n ? 0 : 1;
}
