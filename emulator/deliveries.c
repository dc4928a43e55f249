/* deliveries.c - the callbacks a send leads to (deliveries.h).
 *
 * Sinch: a message gets MESSAGE_DELIVERY reports QUEUED_ON_CHANNEL, DELIVERED, READ; an event
 * gets EVENT_DELIVERY reports QUEUED_ON_CHANNEL, DELIVERED. They go to the request's
 * callback_url, else to the app webhook; signed when a webhook secret is set.
 * Z-API: every send gets MessageStatusCallbacks SENT, RECEIVED, READ at the instance's
 * message-status webhook, unsigned.
 * A callback fault (POST /_emulator/faults with "callback") replaces the list of statuses,
 * delays each callback and sets the reason of a FAILED report. */
#include "deliveries.h"

#include "callbacks.h"
#include "post.h"
#include "store.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_STATUSES 10

static const char *const SINCH_STATUSES[] = {"QUEUED_ON_CHANNEL", "DELIVERED", "READ", "FAILED",
                                             "SWITCHING_CHANNEL", NULL};
static const char *const ZAPI_STATUSES[] = {"SENT", "RECEIVED", "READ", "PLAYED", NULL};

/* The statuses to report and the spacing, from the defaults or a callback fault. */
struct plan {
    const char *status[MAX_STATUSES];
    int n;
    long delay_ms;
    const cJSON *reason; /* into the fault, or NULL */
};

static void plan_from(struct plan *p, const cJSON *fault, const char *const *defaults) {
    p->n = 0;
    p->delay_ms = 0;
    p->reason = NULL;
    const cJSON *list = cJSON_GetObjectItemCaseSensitive(fault, "statuses");
    if (list) {
        for (const cJSON *s = list->child; s && p->n < MAX_STATUSES; s = s->next)
            p->status[p->n++] = s->valuestring;
    } else {
        for (; defaults[p->n]; p->n++)
            p->status[p->n] = defaults[p->n];
    }
    const cJSON *d = cJSON_GetObjectItemCaseSensitive(fault, "delay_ms");
    if (cJSON_IsNumber(d))
        p->delay_ms = (long)d->valuedouble;
    p->reason = cJSON_GetObjectItemCaseSensitive(fault, "reason");
}

static const char *str_or(const cJSON *obj, const char *key, const char *dflt) {
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    return cJSON_IsString(v) ? v->valuestring : dflt;
}

/* ------------------------------------------------------------------ Sinch */

/* channel: channel_priority_order[0], else the first identity's channel, else SMS; identity:
 * that channel's identity from identified_by (empty for a contact_id recipient). */
static cJSON *channel_identity(const cJSON *body, const char *app_id) {
    const cJSON *order = cJSON_GetObjectItemCaseSensitive(body, "channel_priority_order");
    const cJSON *recipient = cJSON_GetObjectItemCaseSensitive(body, "recipient");
    const cJSON *ids = cJSON_GetObjectItemCaseSensitive(
        cJSON_GetObjectItemCaseSensitive(recipient, "identified_by"), "channel_identities");
    const char *channel = cJSON_IsArray(order) && cJSON_IsString(order->child)
                              ? order->child->valuestring
                              : str_or(ids ? ids->child : NULL, "channel", "SMS");
    const char *identity = "";
    for (const cJSON *it = ids ? ids->child : NULL; it; it = it->next)
        if (strcmp(str_or(it, "channel", ""), channel) == 0) {
            identity = str_or(it, "identity", "");
            break;
        }
    cJSON *ci = cJSON_CreateObject();
    cJSON_AddStringToObject(ci, "channel", channel);
    cJSON_AddStringToObject(ci, "identity", identity);
    cJSON_AddStringToObject(ci, "app_id", app_id);
    return ci;
}

struct sinch_ids {
    char conversation[27], contact[256];
    bool dispatch;
};

static char *sinch_body(const struct sinch_accepted *a, const struct sinch_ids *ids,
                        const char *status, const cJSON *reason, int64_t event_ms) {
    bool message = a->op == OP_SEND_MESSAGE;
    const char *app_id = str_or(a->body, "app_id", "");
    char when[32];
    iso_time(when, event_ms);
    cJSON *doc = cJSON_CreateObject();
    cJSON_AddStringToObject(doc, "app_id", app_id);
    cJSON_AddStringToObject(doc, "accepted_time", a->accepted_time);
    cJSON_AddStringToObject(doc, "event_time", when);
    cJSON_AddStringToObject(doc, "project_id", a->project_id);
    cJSON *r =
        cJSON_AddObjectToObject(doc, message ? "message_delivery_report" : "event_delivery_report");
    cJSON_AddStringToObject(r, message ? "message_id" : "event_id", a->id);
    cJSON_AddStringToObject(r, "conversation_id", ids->dispatch ? "" : ids->conversation);
    cJSON_AddStringToObject(r, "status", status);
    cJSON_AddItemToObject(r, "channel_identity", channel_identity(a->body, app_id));
    cJSON_AddStringToObject(r, "contact_id", ids->dispatch ? "" : ids->contact);
    cJSON_AddStringToObject(r, "metadata",
                            str_or(a->body, message ? "message_metadata" : "event_metadata", ""));
    cJSON_AddStringToObject(r, "processing_mode", ids->dispatch ? "DISPATCH" : "CONVERSATION");
    if (strcmp(status, "FAILED") == 0) {
        cJSON *why = cJSON_AddObjectToObject(r, "reason");
        cJSON_AddStringToObject(why, "code", str_or(reason, "code", "RECIPIENT_NOT_REACHABLE"));
        cJSON_AddStringToObject(why, "description",
                                str_or(reason, "description", "injected by the emulator"));
        cJSON_AddStringToObject(why, "sub_code",
                                str_or(reason, "sub_code", "UNSPECIFIED_SUB_CODE"));
    }
    cJSON_AddStringToObject(doc, "message_metadata",
                            message ? str_or(a->body, "message_metadata", "") : "");
    cJSON_AddStringToObject(doc, "correlation_id", str_or(a->body, "correlation_id", ""));
    char *out = cJSON_PrintUnformatted(doc);
    cJSON_Delete(doc);
    return out;
}

void deliveries_sinch(const struct sinch_accepted *a) {
    static const char *const message_defaults[] = {"QUEUED_ON_CHANNEL", "DELIVERED", "READ", NULL};
    static const char *const event_defaults[] = {"QUEUED_ON_CHANNEL", "DELIVERED", NULL};
    char *url = NULL, *secret = NULL;
    callbacks_settings(PROV_SINCH, &url, &secret);
    const char *per_request = str_or(a->body, "callback_url", NULL);
    if (per_request) { /* the request's own URL takes precedence over the app webhook */
        free(url);
        url = xstrdup(per_request);
    }
    if (!url) {
        free(secret);
        return; /* nowhere to report to */
    }
    cJSON *fault = store_callback_fault_take(PROV_SINCH, a->op);
    struct plan p;
    plan_from(&p, fault, a->op == OP_SEND_MESSAGE ? message_defaults : event_defaults);
    struct sinch_ids ids;
    new_ulid(ids.conversation);
    new_ulid(ids.contact);
    const char *contact =
        str_or(cJSON_GetObjectItemCaseSensitive(a->body, "recipient"), "contact_id", NULL);
    if (contact)
        snprintf(ids.contact, sizeof ids.contact, "%s", contact);
    ids.dispatch = strcmp(str_or(a->body, "processing_strategy", ""), "DISPATCH_ONLY") == 0;

    struct post_url parsed;
    char why[160] = "", reason[220];
    bool ok = post_url_parse(url, &parsed, why, sizeof why);
    snprintf(reason, sizeof reason, "%s: %s", per_request ? "callback_url" : "webhook", why);
    int64_t t = now_ms();
    for (int i = 0; i < p.n; i++) {
        struct callback_in in = {
            .provider = PROV_SINCH,
            .url = url,
            .secret = secret,
            .trigger = a->op == OP_SEND_MESSAGE ? "MESSAGE_DELIVERY" : "EVENT_DELIVERY",
            .id = a->id,
            .delivery_status = p.status[i],
            .body = sinch_body(a, &ids, p.status[i], p.reason, t + (i + 1) * p.delay_ms),
            .delay_ms = (i + 1) * p.delay_ms};
        if (ok)
            callbacks_enqueue(&in);
        else
            callbacks_skip(&in, reason);
    }
    cJSON_Delete(fault);
    free(url);
    free(secret);
}

/* ------------------------------------------------------------------ Z-API */

void deliveries_zapi(enum operation op, const char *message_id, const cJSON *body) {
    static const char *const defaults[] = {"SENT", "RECEIVED", "READ", NULL};
    char *url = NULL;
    callbacks_settings(PROV_ZAPI, &url, NULL);
    if (!url)
        return; /* no message-status webhook set */
    cJSON *fault = store_callback_fault_take(PROV_ZAPI, op);
    struct plan p;
    plan_from(&p, fault, defaults);
    const char *phone = str_or(body, "phone", "");
    size_t pl = strlen(phone);
    bool group = (pl > 6 && strcmp(phone + pl - 6, "-group") == 0) ||
                 (pl > 5 && strcmp(phone + pl - 5, "@g.us") == 0);
    int64_t t = now_ms();
    for (int i = 0; i < p.n; i++) {
        cJSON *doc = cJSON_CreateObject();
        cJSON_AddStringToObject(doc, "instanceId", cfg.zapi_instance_id);
        cJSON_AddStringToObject(doc, "status", p.status[i]);
        cJSON *ids = cJSON_AddArrayToObject(doc, "ids");
        cJSON_AddItemToArray(ids, cJSON_CreateString(message_id));
        cJSON_AddNumberToObject(doc, "momment", (double)(t + (i + 1) * p.delay_ms));
        cJSON_AddNumberToObject(doc, "phoneDevice", 0);
        cJSON_AddStringToObject(doc, "phone", phone);
        cJSON_AddStringToObject(doc, "type", "MessageStatusCallback");
        cJSON_AddBoolToObject(doc, "isGroup", group);
        struct callback_in in = {.provider = PROV_ZAPI,
                                 .url = url,
                                 .trigger = "MessageStatusCallback",
                                 .id = message_id,
                                 .delivery_status = p.status[i],
                                 .body = cJSON_PrintUnformatted(doc),
                                 .delay_ms = (i + 1) * p.delay_ms};
        cJSON_Delete(doc);
        callbacks_enqueue(&in); /* the setting was checked when it was set */
    }
    cJSON_Delete(fault);
    free(url);
}

/* ------------------------------------------------------------------ callback faults */

static bool check_statuses(const cJSON *list, const char *const *allowed, char *err,
                           size_t errlen) {
    int n = cJSON_GetArraySize(list), i = 0;
    if (!cJSON_IsArray(list) || n > MAX_STATUSES) {
        snprintf(err, errlen, "callback.statuses: must be an array of at most %d statuses",
                 MAX_STATUSES);
        return false;
    }
    for (const cJSON *s = list->child; s; s = s->next, i++) {
        bool ok = false;
        for (int k = 0; allowed[k] && cJSON_IsString(s); k++)
            ok |= strcmp(s->valuestring, allowed[k]) == 0;
        if (!ok) {
            char names[120] = "";
            for (int k = 0; allowed[k]; k++)
                snprintf(names + strlen(names), sizeof names - strlen(names), "%s%s", k ? ", " : "",
                         allowed[k]);
            snprintf(err, errlen, "callback.statuses[%d]: must be one of %s", i, names);
            return false;
        }
    }
    return true;
}

static bool check_reason(const cJSON *reason, char *err, size_t errlen) {
    if (!cJSON_IsObject(reason)) {
        snprintf(err, errlen, "callback.reason: must be an object {code, description, sub_code}");
        return false;
    }
    for (const cJSON *it = reason->child; it; it = it->next) {
        bool known = !strcmp(it->string, "code") || !strcmp(it->string, "description") ||
                     !strcmp(it->string, "sub_code");
        if (!known || !cJSON_IsString(it)) {
            snprintf(err, errlen, "callback.reason.%s: %s", it->string,
                     known ? "must be a string" : "unknown field (code, description, sub_code)");
            return false;
        }
    }
    return true;
}

bool deliveries_fault_check(const cJSON *spec, char *err, size_t errlen) {
    const cJSON *cb = cJSON_GetObjectItemCaseSensitive(spec, "callback");
    if (!cb)
        return true;
    const cJSON *pv = cJSON_GetObjectItemCaseSensitive(spec, "provider");
    enum provider p = cJSON_IsString(pv) ? provider_from_name(pv->valuestring) : PROV_NONE;
    if (p != PROV_SINCH && p != PROV_ZAPI) {
        snprintf(err, errlen, "callback: applies to provider sinch or zapi");
        return false;
    }
    const cJSON *ov = cJSON_GetObjectItemCaseSensitive(spec, "operation");
    enum operation op = cJSON_IsString(ov) ? operation_from_name(ov->valuestring) : OP_NONE;
    bool sends = op == OP_NONE || op == OP_SEND_EVENT || op == OP_SEND_MESSAGE ||
                 (p == PROV_ZAPI && (op == OP_EDIT_EVENT || op == OP_RESPOND_EVENT));
    if (!sends) {
        snprintf(err, errlen, "callback: operation %s has no callbacks", ov->valuestring);
        return false;
    }
    if (!cJSON_IsObject(cb)) {
        snprintf(err, errlen, "callback: must be an object");
        return false;
    }
    for (const cJSON *it = cb->child; it; it = it->next) {
        if (!strcmp(it->string, "statuses")) {
            if (!check_statuses(it, p == PROV_SINCH ? SINCH_STATUSES : ZAPI_STATUSES, err, errlen))
                return false;
        } else if (!strcmp(it->string, "delay_ms")) {
            double d = it->valuedouble;
            if (!cJSON_IsNumber(it) || d < 0 || d > 600000 || d != (double)(long)d) {
                snprintf(err, errlen, "callback.delay_ms: must be an integer in 0..600000");
                return false;
            }
        } else if (!strcmp(it->string, "reason") && p == PROV_SINCH) {
            if (!check_reason(it, err, errlen))
                return false;
        } else {
            snprintf(err, errlen, "callback.%s: unknown field (statuses, delay_ms%s)", it->string,
                     p == PROV_SINCH ? ", reason" : "");
            return false;
        }
    }
    return true;
}
