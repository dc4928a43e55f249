/* fuzz_callbacks.c - the receive side on hostile input: byte 0 picks the provider whose callback
 * parser reads the rest (every field enumerated, the JSON read back whole and by a path); the
 * same bytes, cut at newlines into a body and the four signature headers, go through the Sinch
 * verifier (with a fixed clock and no cache, so that runs stay independent). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

static void parse(const char *provider, const char *body, size_t len) {
    se_callback *cb = NULL;
    if (se_callback_parse(&cb, provider, body, len) != SE_OK)
        return;
    const char *name, *value;
    for (size_t i = 0; i < se_callback_field_count(cb); i++)
        if (se_callback_field_at(cb, i, &name, &value) != SE_OK || !name || !value ||
            se_callback_get(cb, name) == NULL)
            abort(); /* every enumerated field is there by name */
    if (!se_callback_kind(cb) || !se_callback_get(cb, "dedup_key"))
        abort(); /* always set */
    char *out = NULL;
    se_callback_json(cb, NULL, &out);
    se_free(out);
    se_callback_json(cb, "message.id", &out);
    se_free(out);
    se_callback_free(cb);
}

static void verify(const char *text, size_t len) {
    static const char *const names[] = {
        "x-sinch-webhook-signature", "x-sinch-webhook-signature-nonce",
        "x-sinch-webhook-signature-timestamp", "x-sinch-webhook-signature-algorithm"};
    char *values[4] = {NULL};
    const char *p = memchr(text, '\n', len), *end = text + len;
    size_t body_len = p ? (size_t)(p - text) : len;
    for (int i = 0; i < 4 && p && p < end; i++) { /* header values: the following lines */
        const char *start = p + 1, *nl = memchr(start, '\n', (size_t)(end - start));
        values[i] = strndup(start, (size_t)((nl ? nl : end) - start));
        p = nl;
    }
    se_webhook *w = NULL;
    if (se_webhook_new(&w, "sinch") == SE_OK && se_webhook_set(w, "secret", "fuzz") == SE_OK &&
        se_webhook_set(w, "now", "1700000000") == SE_OK &&
        se_webhook_set(w, "nonce_cache", "off") == SE_OK) {
        se_status st = se_webhook_verify(w, text, body_len, names, (const char *const *)values, 4);
        if (st != SE_OK && st != SE_E_SIGNATURE)
            abort();
        if ((st == SE_OK) != (*se_webhook_reason(w) == '\0'))
            abort(); /* a refusal always says why */
    }
    se_webhook_free(w);
    for (int i = 0; i < 4; i++)
        free(values[i]);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    static const char *const providers[] = {"sinch", "zapi", "connect"};
    if (size == 0)
        return 0;
    char *s = malloc(size); /* no NUL after the bytes: the parser must keep to len */
    memcpy(s, data + 1, size - 1);
    parse(providers[data[0] % 3], s, size - 1);
    verify(s, size - 1);
    free(s);
    return 0;
}
