/* se_loop.c - the same work through libsendevent: se_send sequentially on one
 * client (keep-alive), reading the id from each response.
 *   se_loop BASE_URL N */
#include <sendevent/sendevent.h>
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv) {
    if (argc != 3) {
        fprintf(stderr, "usage: %s BASE_URL N\n", argv[0]);
        return 2;
    }
    long n = atol(argv[2]), ok = 0;
    se_client *c = NULL;
    se_client_new(&c, "zapi");
    se_client_set(c, "base_url", argv[1]);
    se_client_set(c, "instance_id", "emulator-instance");
    se_client_set(c, "token", "emulator-token");
    se_client_set(c, "client_token", "emulator-client-token");
    for (long i = 0; i < n; i++) {
        se_response *r = NULL;
        if (se_send(c, "send_event",
                    "{\"phone\":\"120363019502650977-group\",\"event\":{\"name\":\"Standup\","
                    "\"dateTime\":\"2024-04-29T09:30:53.309Z\"}}",
                    &r) == SE_OK)
            ok += se_response_id(r) != NULL;
        se_response_free(r);
    }
    se_client_free(c);
    printf("%ld/%ld ok\n", ok, n);
    return ok == n ? 0 : 1;
}
