/* se_loop.c - the same work as bare_loop.c through libsendevent: one client
 * (keep-alive), se_send sequentially, reading the id (and the accepted time
 * where the provider gives one) from each response.
 *   se_loop PROVIDER BASE_URL N [WARMUP [CA_FILE]]        (see common.h) */
#include "se_common.h"

int main(int argc, char **argv) {
    bench_args a;
    bench_parse_args(argc, argv, &a, 0);
    se_client *c = bench_client(&a);
    if (!c)
        return 1;
    const char *request = bench_request(a.provider);
    long ok = 0, ok_warm = 0, failures = 0;
    bench_mark t0, t1;
    for (long i = 0; i < a.warmup + a.n; i++) {
        if (i == a.warmup) {
            ok_warm = ok;
            ok = 0;
            bench_now(&t0);
        }
        se_response *r = NULL;
        se_status st = se_send(c, "send_event", request, &r);
        if (st == SE_OK)
            ok += read_response(a.provider, r);
        else if (++failures <= 3)
            fprintf(stderr, "se_send: %s: %s\n", se_status_name(st), se_client_errmsg(c));
        se_response_free(r);
    }
    bench_now(&t1);
    bench_report(&t0, &t1, a.n, ok);
    se_client_free(c);
    return ok == a.n && ok_warm == a.warmup ? 0 : 1;
}
