/* Z-API (WhatsApp): send-event, send-edit-event, send-event-response, send-text, and
 * update-webhook-message-status (where message-status callbacks go).
 * Rules from docs/providers.md §2 and seed 002. */
#include "zapi.h"

#include "callbacks.h"
#include "check.h"
#include "deliveries.h"
#include "emulator.h"
#include "reply.h"
#include "store.h"
#include "util.h"

#include <stdio.h>
#include <string.h>

/* {"error":"..."} */
void zapi_error(struct reply *rp, int status, const char *message) {
    cJSON *doc = cJSON_CreateObject();
    cJSON_AddStringToObject(doc, "error", message);
    reply_json(rp, status, doc);
}

/* Instance id and token live in the path; the account's security token in Client-Token.
 * Wrong instance -> 404, wrong instance token -> 401 (our choice: it is a credential failure),
 * Client-Token missing -> 400, wrong -> 403, as seen from the real service. */
static bool zapi_auth(const struct request *rq, struct reply *rp) {
    if (!consttime_eq(rq->param[0], cfg.zapi_instance_id)) {
        zapi_error(rp, 404, "Instance not found");
        return false;
    }
    if (!consttime_eq(rq->param[1], cfg.zapi_token)) {
        zapi_error(rp, 401, "Invalid token for this instance");
        return false;
    }
    if (cfg.zapi_client_token[0]) {
        const char *ct = request_header(rq, "Client-Token");
        if (!ct || !*ct) {
            zapi_error(rp, 400, "your client-token is not configured");
            return false;
        }
        if (!consttime_eq(ct, cfg.zapi_client_token)) {
            zapi_error(rp, 403, "Client-Token is not allowed");
            return false;
        }
    }
    return true;
}

static bool all_digits(const char *s, size_t n) {
    return n > 0 && strspn(s, "0123456789") == n;
}

/* Phones: digits with country and area code; groups <digits>-group or <phone>-<unixtime>;
 * LIDs <digits>@lid; channels <id>@newsletter. */
static bool phone_ok(const char *s) {
    size_t n = strlen(s);
    const char *dash = strchr(s, '-'), *at = strchr(s, '@');
    if (!dash && !at)
        return n >= 8 && n <= 15 && all_digits(s, n);
    if (dash && !at) {
        size_t head = (size_t)(dash - s);
        return all_digits(s, head) &&
               (strcmp(dash, "-group") == 0 || all_digits(dash + 1, strlen(dash + 1)));
    }
    if (at && strcmp(at, "@lid") == 0)
        return all_digits(s, (size_t)(at - s));
    if (at && strcmp(at, "@newsletter") == 0) {
        size_t head = (size_t)(at - s);
        if (head == 0)
            return false;
        for (size_t i = 0; i < head; i++)
            if (s[i] <= ' ' || s[i] == 0x7f || strchr("/?#@", s[i]))
                return false;
        return true;
    }
    return false;
}

static bool v_phone(struct verr *e, const cJSON *body) {
    const char *phone;
    if (!v_str(e, body, "", "phone", true, 1, 0, &phone))
        return false;
    if (!phone_ok(phone))
        return vfail(e, "phone",
                     "must be digits with country and area code (5511999999999), a group "
                     "(<digits>-group), <digits>@lid or <id>@newsletter");
    return true;
}

static bool v_event(struct verr *e, const cJSON *body) {
    static const char *const known[] = {"name",     "description",  "dateTime", "timeZone",
                                        "location", "callLinkType", "canceled", NULL};
    static const char *const link_types[] = {"voice", "video", NULL};
    const cJSON *ev, *loc;
    const char *when;
    if (!v_obj(e, body, "", "event", true, &ev) || !v_known(e, ev, "event", known) ||
        !v_str(e, ev, "event", "name", true, 1, 0, NULL) ||
        !v_str(e, ev, "event", "description", false, 0, 0, NULL) ||
        !v_str(e, ev, "event", "dateTime", true, 1, 0, &when) ||
        !v_str(e, ev, "event", "timeZone", false, 1, 0, NULL) ||
        !v_obj(e, ev, "event", "location", false, &loc) ||
        (loc && !v_str(e, loc, "event.location", "name", true, 1, 0, NULL)) ||
        !v_enum(e, ev, "event", "callLinkType", false, link_types) ||
        !v_bool(e, ev, "event", "canceled", false))
        return false;
    if (!iso8601_datetime(when))
        return vfail(e, "event.dateTime", "must be an ISO-8601 date-time, got \"%.40s\"", when);
    return true;
}

static bool v_send_event(struct verr *e, const cJSON *body) {
    static const char *const known[] = {"phone", "event", NULL};
    return v_known(e, body, "", known) && v_phone(e, body) && v_event(e, body);
}

static bool v_send_edit_event(struct verr *e, const cJSON *body) {
    static const char *const known[] = {"phone", "eventMessageId", "event", NULL};
    return v_known(e, body, "", known) && v_phone(e, body) &&
           v_str(e, body, "", "eventMessageId", true, 1, 0, NULL) && v_event(e, body);
}

static bool v_send_event_response(struct verr *e, const cJSON *body) {
    static const char *const known[] = {"phone", "eventMessageId", "eventResponse", NULL};
    static const char *const answers[] = {"GOING", "NOT_GOING", NULL};
    return v_known(e, body, "", known) && v_phone(e, body) &&
           v_str(e, body, "", "eventMessageId", true, 1, 0, NULL) &&
           v_enum(e, body, "", "eventResponse", true, answers);
}

/* send-text: a contact, a group or a LID; delays are whole seconds 1..15. */
static bool v_delay(struct verr *e, const cJSON *body, const char *key) {
    if (!v_num(e, body, "", key, false, 1, 15))
        return false;
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(body, key);
    if (v && v->valuedouble != (double)(long)v->valuedouble)
        return vfail(e, key, "must be a whole number of seconds, got %g", v->valuedouble);
    return true;
}

static bool v_send_text(struct verr *e, const cJSON *body) {
    static const char *const known[] = {
        "phone", "message", "delayMessage", "delayTyping", "editMessageId", "messageId", NULL};
    const char *phone;
    if (!v_known(e, body, "", known) || !v_phone(e, body))
        return false;
    phone = cJSON_GetObjectItemCaseSensitive(body, "phone")->valuestring;
    if (strstr(phone, "@newsletter"))
        return vfail(e, "phone", "send-text goes to a phone, a group or a LID, not a channel");
    return v_str(e, body, "", "message", true, 1, 0, NULL) && v_delay(e, body, "delayMessage") &&
           v_delay(e, body, "delayTyping") &&
           v_str(e, body, "", "editMessageId", false, 1, 0, NULL) &&
           v_str(e, body, "", "messageId", false, 1, 0, NULL);
}

static void send_common(const struct request *rq, struct reply *rp,
                        bool (*validate)(struct verr *, const cJSON *), enum operation op) {
    if (!require_post(rq, rp, zapi_error) || !zapi_auth(rq, rp))
        return;
    cJSON *body = parse_json_body(rq, rp, zapi_error);
    if (!body)
        return;
    struct verr e;
    if (!validate(&e, body)) {
        cJSON_Delete(body);
        zapi_error(rp, 400, e.msg);
        return;
    }
    char zaap[33], msg[21], out[160];
    new_upper_alnum(zaap, 32, false);
    new_upper_alnum(msg, 20, true);
    snprintf(out, sizeof out, "{\"zaapId\":\"%s\",\"messageId\":\"%s\",\"id\":\"%s\"}", zaap, msg,
             msg);
    reply_text(rp, 200, out);
    deliveries_zapi(op, msg, body);
    cJSON_Delete(body);
}

void zapi_send_event(const struct request *rq, struct reply *rp) {
    send_common(rq, rp, v_send_event, OP_SEND_EVENT);
}

void zapi_send_edit_event(const struct request *rq, struct reply *rp) {
    send_common(rq, rp, v_send_edit_event, OP_EDIT_EVENT);
}

void zapi_send_event_response(const struct request *rq, struct reply *rp) {
    send_common(rq, rp, v_send_event_response, OP_RESPOND_EVENT);
}

void zapi_send_text(const struct request *rq, struct reply *rp) {
    send_common(rq, rp, v_send_text, OP_SEND_MESSAGE);
}

/* PUT update-webhook-message-status {"value": "<url>"}: where MessageStatusCallbacks go, as the
 * real API sets it. The emulator takes loopback http:// URLs only; "" clears it. */
void zapi_update_webhook_status(const struct request *rq, struct reply *rp) {
    if (strcmp(rq->method, "PUT") != 0) {
        zapi_error(rp, 405, "method not allowed: use PUT");
        reply_header(rp, "Allow", "PUT");
        return;
    }
    if (!zapi_auth(rq, rp))
        return;
    cJSON *body = parse_json_body(rq, rp, zapi_error);
    if (!body)
        return;
    static const char *const known[] = {"value", NULL};
    struct verr e;
    const char *url = NULL;
    char why[200], msg[220];
    if (!v_known(&e, body, "", known) || !v_str(&e, body, "", "value", true, 0, 2048, &url)) {
        zapi_error(rp, 400, e.msg);
    } else if (!callbacks_set_zapi_url(url, why, sizeof why)) {
        snprintf(msg, sizeof msg, "value: %s", why);
        zapi_error(rp, 400, msg);
    } else {
        reply_text(rp, 200, "{\"value\":true}");
    }
    cJSON_Delete(body);
}
