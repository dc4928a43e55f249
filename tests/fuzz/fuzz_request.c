/* fuzz_request.c - arbitrary request JSON through every operation's
 * validation and request building (se_prepare), for every provider. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sendevent/sendevent.h"

static se_client *clients[3];
static const char *const ops[3][4] = {
    {"send_event", "send_message", NULL},
    {"send_event", "edit_event", "respond_event", NULL},
    {"send_event", "send_message", "create_connection", "disconnect"},
};

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
    int p = data[0] % 3, o = (data[0] / 3) % 4;
    const char *op = ops[p][o] ? ops[p][o] : "send_event";
    /* each client's own secret must never show in its dry run */
    static const char *const secrets[3] = {"S3CRET", "T0KEN", NULL};
    char *http = NULL;
    if (se_prepare(clients[p], op, json, &http) == SE_OK && secrets[p] && strstr(http, secrets[p]))
        abort();
    se_free(http);
    free(json);
    return 0;
}
