/* test_webhook_emulator.c - the receive side end to end from C: the delivery
 * reports the emulator signs for a Sinch message (as its callback record
 * keeps them: headers and raw body as sent) verified by se_webhook_verify with
 * the emulator's secret, and read by se_callback_parse. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "emu.h"
#include "sendevent/sendevent.h"

#define SECRET "c-webhook-secret"

static emu E;

/* The callback record once it holds n attempts (bounded wait), or NULL. */
static cJSON *wait_callbacks(int n) {
    double t0 = emu_now();
    while (emu_now() - t0 < 10) {
        cJSON *root = emu_get(&E, "/_emulator/callbacks");
        cJSON *list = cJSON_GetObjectItem(root, "callbacks");
        if (cJSON_GetArraySize(list) >= n)
            return root;
        cJSON_Delete(root);
        emu_sleep(0.05);
    }
    return NULL;
}

/* Verifies one recorded attempt with `secret`: the status, and the reason when refused. */
static se_status verify(const cJSON *attempt, const char *secret, const char **reason) {
    const char *names[8], *values[8];
    size_t n = 0;
    const cJSON *h;
    cJSON_ArrayForEach(h, cJSON_GetObjectItem(attempt, "headers")) {
        if (n < 8 && cJSON_IsString(h)) {
            names[n] = h->string;
            values[n++] = h->valuestring;
        }
    }
    const char *body = cJSON_GetStringValue(cJSON_GetObjectItem(attempt, "body_raw"));
    se_webhook *w = NULL;
    CHECK_INT(se_webhook_new(&w, "sinch"), SE_OK);
    CHECK_INT(se_webhook_set(w, "secret", secret), SE_OK);
    CHECK_INT(se_webhook_set(w, "nonce_cache", "off"), SE_OK);
    se_status st = se_webhook_verify(w, body, body ? strlen(body) : 0, names, values, n);
    *reason = se_webhook_reason(w);
    se_webhook_free(w);
    return st;
}

static void test_sinch_reports_verified_and_read(void) {
    se_client *c = NULL;
    se_client_new(&c, "sinch");
    char url[300];
    se_client_set(c, "base_url", E.url);
    snprintf(url, sizeof url, "%s/oauth2/token", E.url);
    se_client_set(c, "auth_url", url);
    se_client_set(c, "project_id", "p1");
    se_client_set(c, "key_id", EMU_SINCH_KEY_ID);
    se_client_set(c, "key_secret", EMU_SINCH_KEY_SECRET);
    se_response *r = NULL;
    CHECK_INT(se_send(c, "send_message",
                      "{\"app_id\":\"a\",\"recipient\":{\"contact_id\":\"c\"},"
                      "\"message\":{\"text_message\":{\"text\":\"hi\"}},"
                      "\"correlation_id\":\"c-order-9\"}",
                      &r),
              SE_OK);
    const char *id = se_response_id(r);
    cJSON *root = wait_callbacks(3);
    CHECK(root != NULL);
    const char *want[] = {"QUEUED_ON_CHANNEL", "DELIVERED", "READ"};
    int k = 0;
    const cJSON *attempt;
    cJSON_ArrayForEach(attempt, cJSON_GetObjectItem(root, "callbacks")) {
        const char *reason = NULL;
        CHECK_INT(verify(attempt, SECRET, &reason), SE_OK);
        const char *body = cJSON_GetStringValue(cJSON_GetObjectItem(attempt, "body_raw"));
        se_callback *cb = NULL;
        CHECK_INT(se_callback_parse(&cb, "sinch", body, body ? strlen(body) : 0), SE_OK);
        CHECK_STR(se_callback_kind(cb), "MESSAGE_DELIVERY");
        CHECK_STR(se_callback_get(cb, "id"), id);
        CHECK_STR(se_callback_get(cb, "correlation_id"), "c-order-9");
        if (k < 3)
            CHECK_STR(se_callback_get(cb, "status"), want[k]);
        se_callback_free(cb);
        CHECK_INT(verify(attempt, "another-secret", &reason), SE_E_SIGNATURE);
        CHECK_STR(reason, "bad_signature");
        k++;
    }
    CHECK_INT(k, 3);
    cJSON_Delete(root);
    se_response_free(r);
    se_client_free(c);
}

int main(void) {
    /* reports go to a loopback port nothing listens on: each attempt is recorded as sent */
    static const char *const args[] = {"--sinch-webhook-secret",
                                       SECRET,
                                       "--sinch-webhook-url",
                                       "http://127.0.0.1:9/hook",
                                       "--callback-attempts",
                                       "1",
                                       NULL};
    if (!emu_start(&E, args))
        return EMU_SKIP;
    test_sinch_reports_verified_and_read();
    emu_stop(&E);
    return se_test_summary("webhook_emulator");
}
