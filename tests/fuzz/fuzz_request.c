/* fuzz_request.c - arbitrary request JSON through every operation's
 * validation and request building (se_prepare), for every provider. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sendevent/sendevent.h"

static se_client *clients[3];

/* The n-th operation the library lists for the client's provider (the first when n is past
 * the last): every operation is reached, including ones added later. */
static const char *nth_operation(se_client *c, unsigned n) {
    const char *provider = se_client_provider(c);
    const se_operation_info *first = se_operation_next(provider, NULL), *o = first;
    while (o && n--)
        o = se_operation_next(provider, o);
    return o ? o->name : first->name;
}

static void setup(void) {
    se_client_new(&clients[0], "sinch");
    se_client_set(clients[0], "project_id", "P");
    se_client_set(clients[0], "key_id", "K");
    se_client_set(clients[0], "key_secret", "S3CRET");
    se_client_set(clients[0], "region", "eu");
    se_client_new(&clients[1], "zapi");
    se_client_set(clients[1], "instance_id", "I");
    se_client_set(clients[1], "token", "T0KEN");
    se_client_new(&clients[2], "connect");
    se_client_set(clients[2], "region", "us-east-1");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (!clients[0])
        setup();
    if (size < 1)
        return 0;
    char *json = malloc(size);
    memcpy(json, data + 1, size - 1);
    json[size - 1] = '\0';
    int p = data[0] % 3;
    const char *op = nth_operation(clients[p], (data[0] / 3) % 8);
    /* each client's own secret must never show in its dry run */
    static const char *const secrets[3] = {"S3CRET", "T0KEN", NULL};
    char *http = NULL;
    if (se_prepare(clients[p], op, json, &http) == SE_OK && secrets[p] && strstr(http, secrets[p]))
        abort();
    se_free(http);
    free(json);
    return 0;
}
