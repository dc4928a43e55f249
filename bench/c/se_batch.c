/* se_batch.c - the same work as bare_multi.c through libsendevent: one
 * se_batch of N requests run with 64 in flight, reading every id (and accepted
 * time where given) from the batch's responses.
 *   se_batch PROVIDER BASE_URL N [WARMUP]        (see common.h)
 * WARMUP events run first as a batch of their own on the same client (whose
 * connections the measured batch reuses, as bare_multi.c reuses its own). */
#include "se_common.h"

#define IN_FLIGHT 64

static long run(se_client *c, int provider, long n) {
    se_batch *b = NULL;
    if (se_batch_new(&b, c) != SE_OK)
        return -1;
    const char *request = bench_request(provider);
    for (long i = 0; i < n; i++)
        if (se_batch_add(b, "send_event", request) != SE_OK) {
            fprintf(stderr, "se_batch_add: %s\n", se_client_errmsg(c));
            se_batch_free(b);
            return -1;
        }
    se_status st = se_batch_run(b, IN_FLIGHT);
    if (st != SE_OK)
        fprintf(stderr, "se_batch_run: %s: %s (%zu failed)\n", se_status_name(st),
                se_client_errmsg(c), se_batch_failed(b));
    long ok = 0;
    for (long i = 0; i < n; i++) {
        const se_response *r = se_batch_response(b, (size_t)i);
        ok += r && se_response_status(r) == SE_OK && read_response(provider, r);
    }
    se_batch_free(b);
    return ok;
}

int main(int argc, char **argv) {
    bench_args a;
    bench_parse_args(argc, argv, &a);
    se_client *c = bench_client(a.provider, a.base_url);
    if (!c)
        return 1;
    long ok_warm = a.warmup > 0 ? run(c, a.provider, a.warmup) : 0;
    bench_mark t0, t1;
    bench_now(&t0);
    long ok = run(c, a.provider, a.n);
    bench_now(&t1);
    bench_report(&t0, &t1, a.n, ok);
    se_client_free(c);
    return ok == a.n && ok_warm == a.warmup ? 0 : 1;
}
