/* providers/sinch/callbacks.c - Sinch Conversation API callbacks: the
 * signature (providers.md §1, "Webhook signatures") and the callback reader
 * ("Callbacks"). */
#include "callbacks.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "callback.h"
#include "crypto.h"
#include "signature.h"

#define H_SIGNATURE "x-sinch-webhook-signature"
#define H_NONCE "x-sinch-webhook-signature-nonce"
#define H_TIMESTAMP "x-sinch-webhook-signature-timestamp"
#define H_ALGORITHM "x-sinch-webhook-signature-algorithm"
#define ALGORITHM "HmacSHA256" /* pinned: never taken from the sender */

/* Unix seconds: 1 to 12 digits, nothing else. */
static bool parse_timestamp(const char *s, size_t n, int64_t *out) {
    if (n == 0 || n > 12)
        return false;
    int64_t v = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return false;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return true;
}

se_status sei_sinch_verify_signature(const sei_headers *h, const char *body, size_t body_len,
                                     const unsigned char *secret, size_t secret_len,
                                     sei_signed *out) {
    static const char *const required[] = {H_SIGNATURE, H_NONCE, H_TIMESTAMP};
    const char *v[3];
    size_t n[3], alg_n;
    char shown[48];
    for (int i = 0; i < 3; i++)
        if (!(v[i] = sei_header_get(h, required[i], &n[i])))
            return sei_signed_refuse(out, "missing_header", "%s: missing or empty", required[i]);
    const char *alg = sei_header_get(h, H_ALGORITHM, &alg_n);
    if (alg && (alg_n != strlen(ALGORITHM) || strncasecmp(alg, ALGORITHM, alg_n) != 0))
        return sei_signed_refuse(out, "unsupported_algorithm", "%s: '%s' is not " ALGORITHM,
                                 H_ALGORITHM, sei_printable(shown, sizeof shown, alg, alg_n));
    out->timestamp_header = H_TIMESTAMP;
    if (!parse_timestamp(v[2], n[2], &out->timestamp))
        return sei_signed_refuse(out, "bad_timestamp", "%s: '%s' is not Unix seconds", H_TIMESTAMP,
                                 sei_printable(shown, sizeof shown, v[2], n[2]));
    /* over the raw bytes: body "." nonce "." timestamp, as received */
    const sei_span parts[] = {{body, body_len}, {".", 1}, {v[1], n[1]}, {".", 1}, {v[2], n[2]}};
    unsigned char expected[SEI_SHA256_LEN], given[SEI_SHA256_LEN + 3];
    size_t given_len;
    se_status st = sei_hmac_sha256(secret, secret_len, parts, 5, expected);
    if (st != SE_OK)
        return st;
    if (!sei_base64_decode(v[0], n[0], given, sizeof given, &given_len) ||
        given_len != SEI_SHA256_LEN)
        return sei_signed_refuse(out, "bad_signature",
                                 "%s: not the base64 of a 32-byte HMAC-SHA256", H_SIGNATURE);
    /* the whole length, in constant time: nothing of how close it came leaks */
    if (sei_ct_memcmp(expected, given, SEI_SHA256_LEN) != 0)
        return sei_signed_refuse(out, "bad_signature",
                                 "%s: does not match the body, nonce and timestamp", H_SIGNATURE);
    out->nonce = v[1];
    out->nonce_len = n[1];
    return SE_OK;
}

/* ---- reading callbacks -------------------------------------------------------------------- */

/* The member holding the callback's payload and the trigger it stands for
 * (the name of the webhook's `triggers` entry). */
static const struct {
    const char *member, *trigger;
} triggers[] = {
    {"message_delivery_report", "MESSAGE_DELIVERY"},
    {"event_delivery_report", "EVENT_DELIVERY"},
    {"message", "MESSAGE_INBOUND"},
    {"event", "EVENT_INBOUND"},
    {"message_submit_notification", "MESSAGE_SUBMIT"},
    {"conversation_start_notification", "CONVERSATION_START"},
    {"conversation_stop_notification", "CONVERSATION_STOP"},
    {"conversation_delete_notification", "CONVERSATION_DELETE"},
    {"contact_create_notification", "CONTACT_CREATE"},
    {"contact_delete_notification", "CONTACT_DELETE"},
    {"contact_merge_notification", "CONTACT_MERGE"},
    {"contact_update_notification", "CONTACT_UPDATE"},
    {"contact_identities_duplication_notification", "CONTACT_IDENTITIES_DUPLICATION"},
    {"capability_notification", "CAPABILITY"},
    {"opt_in_notification", "OPT_IN"},
    {"opt_out_notification", "OPT_OUT"},
    {"channel_event_notification", "CHANNEL_EVENT"},
    {"unsupported_callback", "UNSUPPORTED"},
    {"smart_conversation_notification", "SMART_CONVERSATION"},
};

/* members every callback has beside its payload */
static const char *const envelope[] = {"app_id",     "project_id",     "accepted_time",
                                       "event_time", "correlation_id", "message_metadata"};

static bool in_envelope(const char *key) {
    for (size_t i = 0; i < sizeof envelope / sizeof envelope[0]; i++)
        if (!strcmp(key, envelope[i]))
            return true;
    return false;
}

/* The payload member and its trigger: a known one first, else the first other
 * object member (trigger "UNKNOWN"). */
static const cJSON *find_payload(const cJSON *root, const char **trigger) {
    for (size_t i = 0; i < sizeof triggers / sizeof triggers[0]; i++) {
        const cJSON *m = cJSON_GetObjectItemCaseSensitive(root, triggers[i].member);
        if (cJSON_IsObject(m)) {
            *trigger = triggers[i].trigger;
            return m;
        }
    }
    *trigger = "UNKNOWN";
    for (const cJSON *m = root->child; m; m = m->next)
        if (cJSON_IsObject(m) && m->string && !in_envelope(m->string))
            return m;
    return NULL;
}

/* The payload's own fields: ids, status, reason, channel identity. */
static se_status read_payload(se_callback *cb, const cJSON *p) {
    static const char *const copied[][2] = {{"message_id", "message_id"},
                                            {"event_id", "event_id"},
                                            {"conversation_id", "conversation_id"},
                                            {"contact_id", "contact_id"},
                                            {"status", "status"},
                                            {"processing_mode", "processing_mode"},
                                            {"direction", "direction"},
                                            {"accept_time", "accept_time"}};
    se_status st = SE_OK;
    for (size_t i = 0; st == SE_OK && i < sizeof copied / sizeof copied[0]; i++)
        st = sei_callback_copy(cb, copied[i][0], p, copied[i][1]);
    const cJSON *reason = cJSON_GetObjectItemCaseSensitive(p, "reason");
    const cJSON *ci = cJSON_GetObjectItemCaseSensitive(p, "channel_identity");
    if (st == SE_OK)
        st = cJSON_IsObject(reason) ? sei_callback_copy(cb, "reason", reason, "code")
                                    : sei_callback_set_json(cb, "reason", reason);
    if (st == SE_OK && cJSON_IsObject(reason))
        st = sei_callback_copy(cb, "reason_description", reason, "description");
    if (st == SE_OK)
        st = sei_callback_copy(cb, "channel", ci, "channel");
    if (st == SE_OK)
        st = sei_callback_copy(cb, "identity", ci, "identity");
    /* the id: the payload's own (inbound), else of the message or event reported on */
    if (st == SE_OK)
        st = sei_callback_copy(cb, "id", p, "id");
    const char *id = sei_callback_field(cb, "id");
    if (!id)
        id = sei_callback_field(cb, "message_id");
    if (!id)
        id = sei_callback_field(cb, "event_id");
    if (st == SE_OK && id && !sei_callback_field(cb, "id"))
        st = sei_callback_set(cb, "id", id);
    return st;
}

se_status sei_sinch_parse_callback(se_callback *cb, const cJSON *root) {
    const char *trigger;
    const cJSON *payload = find_payload(root, &trigger);
    se_status st = sei_callback_set(cb, "kind", trigger);
    if (st == SE_OK)
        st = sei_callback_set(cb, "trigger", trigger);
    for (size_t i = 0; st == SE_OK && i < sizeof envelope / sizeof envelope[0]; i++)
        st = sei_callback_copy(cb, envelope[i], root, envelope[i]);
    if (st == SE_OK && payload && !strcmp(trigger, "UNKNOWN"))
        st = sei_callback_set(cb, "payload_member", payload->string);
    if (st == SE_OK && payload)
        st = read_payload(cb, payload);
    /* metadata: the callback's message_metadata, else an inbound message's own */
    const char *meta = sei_callback_field(cb, "message_metadata");
    if (st == SE_OK)
        st = meta ? sei_callback_set(cb, "metadata", meta)
                  : sei_callback_copy(cb, "metadata", payload, "metadata");
    const char *id = sei_callback_field(cb, "id");
    if (st == SE_OK && id) { /* a re-sent callback reports the same thing again */
        const char *parts[] = {"sinch", trigger, id, sei_callback_field(cb, "status")};
        st = sei_callback_set_key(cb, "dedup_key", parts, 4);
    }
    return st;
}
