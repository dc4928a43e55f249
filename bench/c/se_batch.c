/* se_batch.c - the same work as bare_multi.c through libsendevent: one
 * se_batch of N requests run with 64 in flight, reading every id (and accepted
 * time where given) from the batch's responses.
 *   se_batch [--cold fresh|reuse --batch B] PROVIDER BASE_URL N [WARMUP [CA_FILE]]
 * (see common.h). WARMUP events run first as a batch of their own on the same
 * client (whose connections the measured batch reuses, as bare_multi.c reuses
 * its own). Cold batches (--cold): "fresh" makes a new client for each batch,
 * so nothing is resumed; "reuse" keeps one client, whose share handle keeps
 * the TLS sessions for all its connections (CURL_LOCK_DATA_SSL_SESSION). */
#include "se_common.h"

#define IN_FLIGHT 64

/* One se_batch of n requests with IN_FLIGHT at once; returns how many succeeded. */
static long run(void *client, const bench_args *a, long n) {
    se_client *c = client;
    se_batch *b = NULL;
    if (se_batch_new(&b, c) != SE_OK)
        return -1;
    const char *request = bench_request(a->provider);
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
        ok += r && se_response_status(r) == SE_OK && read_response(a->provider, r);
    }
    se_batch_free(b);
    return ok;
}

static void *open_client(const bench_args *a) {
    return bench_client(a);
}

static void close_client(void *client) {
    se_client_free(client);
}

int main(int argc, char **argv) {
    bench_args a;
    bench_parse_args(argc, argv, &a, 1);
    static const bench_multi_ops ops = {open_client, run, close_client};
    return bench_multi_main(&a, &ops);
}
