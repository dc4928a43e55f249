/* bare_loop.c - the sequential baseline: what a minimal hand-written client does
 * with one libcurl easy handle + cJSON over keep-alive, per event: build the
 * provider's JSON body (Connect: with a fresh UUID v4 ClientToken, as the AWS
 * SDKs add), POST it with the same headers libsendevent sends (auth included),
 * check the status, parse the JSON answer and read the id (and the accepted
 * time where the provider gives one).
 *   bare_loop PROVIDER BASE_URL N [WARMUP [CA_FILE]]      (see common.h) */
#include "baseline.h"

int main(int argc, char **argv) {
    bench_args a;
    bench_parse_args(argc, argv, &a, 0);
    char url[1024];
    struct curl_slist *hdr = endpoint(&a, url, sizeof url);
    curl_global_init(CURL_GLOBAL_DEFAULT);
    CURL *h = curl_easy_init();
    if (a.ca_file)
        curl_easy_setopt(h, CURLOPT_CAINFO, a.ca_file);
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
