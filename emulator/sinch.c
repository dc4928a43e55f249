/* Sinch Conversation API: events:send and messages:send (the OAuth2 token endpoint is in
 * sinch_oauth.c).
 * Rules from docs/providers.md §1 and seeds 000/001. */
#include "sinch.h"

#include "check.h"
#include "deliveries.h"
#include "emulator.h"
#include "reply.h"
#include "store.h"
#include "util.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------ error formats */

/* Google-style status names, as Sinch (a gRPC-gateway API) spells them. */
static const char *grpc_status(int status) {
    switch (status) {
    case 400:
    case 413:
    case 415:
        return "INVALID_ARGUMENT";
    case 401:
        return "UNAUTHENTICATED";
    case 403:
        return "PERMISSION_DENIED";
    case 404:
        return "NOT_FOUND";
    case 405:
    case 501:
        return "UNIMPLEMENTED";
    case 409:
        return "ABORTED";
    case 429:
        return "RESOURCE_EXHAUSTED";
    case 500:
        return "INTERNAL";
    case 503:
        return "UNAVAILABLE";
    case 504:
        return "DEADLINE_EXCEEDED";
    default:
        return status >= 500 ? "INTERNAL" : "FAILED_PRECONDITION";
    }
}

/* {"error":{"code":400,"message":"...","status":"INVALID_ARGUMENT","details":[]}} */
void sinch_error(struct reply *rp, int status, const char *message) {
    cJSON *doc = cJSON_CreateObject();
    cJSON *err = cJSON_AddObjectToObject(doc, "error");
    cJSON_AddNumberToObject(err, "code", status);
    cJSON_AddStringToObject(err, "message", message);
    cJSON_AddStringToObject(err, "status", grpc_status(status));
    cJSON_AddArrayToObject(err, "details");
    reply_json(rp, status, doc);
}

/* ------------------------------------------------------------------ auth */

/* Basic base64(key_id:key_secret) matches the configured key. */
bool sinch_basic_ok(const char *auth) {
    const char *b64 = auth + 6;
    while (*b64 == ' ')
        b64++;
    char *plain = base64_decode(b64, NULL);
    if (!plain)
        return false;
    char *colon = strchr(plain, ':');
    bool ok = false;
    if (colon) {
        *colon = '\0';
        bool id_ok = consttime_eq(plain, cfg.sinch_key_id); /* both compared, always */
        bool secret_ok = consttime_eq(colon + 1, cfg.sinch_key_secret);
        ok = id_ok && secret_ok;
    }
    free(plain);
    return ok;
}

static void unauthenticated(struct reply *rp, const char *challenge, const char *message) {
    sinch_error(rp, 401, message);
    reply_header(rp, "WWW-Authenticate", challenge);
}

/* Basic with the key straight on the API, or Bearer with a token we issued. */
static bool sinch_auth(const struct request *rq, struct reply *rp) {
    const char *auth = request_header(rq, "Authorization");
    if (!auth || !*auth) {
        unauthenticated(rp, "Bearer realm=\"sinch\"", "missing Authorization header");
        return false;
    }
    if (str_prefix_ieq(auth, "Basic ")) {
        if (sinch_basic_ok(auth))
            return true;
        unauthenticated(rp, "Basic realm=\"sinch\"", "invalid key id or key secret");
        return false;
    }
    if (str_prefix_ieq(auth, "Bearer ")) {
        const char *token = auth + 7;
        while (*token == ' ')
            token++;
        switch (store_token_check(TOK_SINCH, token)) {
        case TOKEN_VALID:
            return true;
        case TOKEN_EXPIRED:
            /* Clients refresh once on exactly this: a 401 whose challenge says "expired". */
            unauthenticated(rp,
                            "Bearer error=\"invalid_token\", error_description=\"token expired\"",
                            "access token has expired");
            return false;
        case TOKEN_UNKNOWN:
            unauthenticated(rp,
                            "Bearer error=\"invalid_token\", error_description=\"unknown token\"",
                            "invalid access token");
            return false;
        }
    }
    unauthenticated(rp, "Bearer realm=\"sinch\"", "unsupported Authorization scheme");
    return false;
}

/* ------------------------------------------------------------------ validation */

static const char *const QUEUES[] = {"NORMAL_PRIORITY", "HIGH_PRIORITY", NULL};
static const char *const AGENT_TYPES[] = {"UNKNOWN_AGENT_TYPE", "HUMAN", "BOT", NULL};

static bool v_url(struct verr *e, const cJSON *obj, const char *path, const char *key) {
    const char *s;
    if (!v_str(e, obj, path, key, false, 1, 742, &s))
        return false;
    char p[512];
    if (s && strncmp(s, "http://", 7) != 0 && strncmp(s, "https://", 8) != 0)
        return vfail(e, vpath(p, sizeof p, path, key), "must be an http:// or https:// URL");
    return true;
}

/* Exactly one of contact_id / identified_by{channel_identities[{channel, identity}]}. */
static bool v_recipient(struct verr *e, const cJSON *body) {
    static const char *const kinds[] = {"contact_id", "identified_by", NULL};
    const cJSON *r, *ib, *ids;
    const char *which;
    if (!v_obj(e, body, "", "recipient", true, &r) || !v_known(e, r, "recipient", kinds) ||
        !v_one_of(e, r, "recipient", kinds, &which))
        return false;
    if (strcmp(which, "contact_id") == 0)
        return v_str(e, r, "recipient", "contact_id", true, 1, 0, NULL);
    if (!v_obj(e, r, "recipient", "identified_by", true, &ib) ||
        !v_arr(e, ib, "recipient.identified_by", "channel_identities", true, 1, 0, &ids))
        return false;
    int i = 0;
    for (const cJSON *it = ids->child; it; it = it->next, i++) {
        char p[128];
        snprintf(p, sizeof p, "recipient.identified_by.channel_identities[%d]", i);
        if (!cJSON_IsObject(it))
            return vfail(e, p, "must be an object");
        /* channel is an open enum: any non-empty string (providers add channels). */
        if (!v_str(e, it, p, "channel", true, 1, 0, NULL) ||
            !v_str(e, it, p, "identity", true, 1, 0, NULL) ||
            !v_str(e, it, p, "app_id", false, 0, 0, NULL))
            return false;
    }
    return true;
}

static bool v_agent(struct verr *e, const cJSON *obj, const char *path, const char *key,
                    bool required) {
    static const char *const known[] = {"display_name", "type", "picture_url", NULL};
    const cJSON *a;
    char p[256];
    vpath(p, sizeof p, path, key);
    return v_obj(e, obj, path, key, required, &a) &&
           (!a || (v_known(e, a, p, known) && v_str(e, a, p, "display_name", true, 1, 0, NULL) &&
                   v_enum(e, a, p, "type", true, AGENT_TYPES) &&
                   v_str(e, a, p, "picture_url", false, 0, 0, NULL)));
}

static bool v_channel_list(struct verr *e, const cJSON *body) {
    return v_str_list(e, body, "", "channel_priority_order");
}

static const char *const EVENT_KINDS[] = {"composing_event",
                                          "composing_end_event",
                                          "comment_reply_event",
                                          "agent_joined_event",
                                          "agent_left_event",
                                          "generic_event",
                                          NULL};

static bool v_event(struct verr *e, const cJSON *body) {
    const cJSON *ev, *kind;
    const char *which;
    if (!v_obj(e, body, "", "event", true, &ev))
        return false;
    if (vget(ev, "app_event"))
        /* The seed's event.app_event is a documentation artefact: the API takes the kind
         * directly under event. A client that sends the wrapper has a bug. */
        return vfail(e, "event.app_event",
                     "not accepted: put the event kind directly under event, e.g. "
                     "{\"event\":{\"composing_event\":{}}}");
    if (!v_known(e, ev, "event", EVENT_KINDS) || !v_one_of(e, ev, "event", EVENT_KINDS, &which))
        return false;
    char p[128];
    vpath(p, sizeof p, "event", which);
    if (!v_obj(e, ev, "event", which, true, &kind))
        return false;
    if (strcmp(which, "comment_reply_event") == 0)
        return v_str(e, kind, p, "text", true, 1, 0, NULL);
    if (strcmp(which, "agent_joined_event") == 0 || strcmp(which, "agent_left_event") == 0)
        return v_agent(e, kind, p, "agent", true);
    if (strcmp(which, "generic_event") == 0)
        return v_obj(e, kind, p, "payload", true, NULL);
    return true; /* composing_event, composing_end_event: {} */
}

static bool v_location(struct verr *e, const cJSON *obj, const char *path) {
    const cJSON *c;
    char p[256];
    vpath(p, sizeof p, path, "coordinates");
    return v_obj(e, obj, path, "coordinates", true, &c) &&
           v_num(e, c, p, "latitude", true, -90, 90) &&
           v_num(e, c, p, "longitude", true, -180, 180) &&
           v_str(e, obj, path, "title", true, 1, 0, NULL) &&
           v_str(e, obj, path, "label", false, 0, 0, NULL);
}

/* A choice: one of text/url/call/location/calendar/share_location message + postback_data. */
static bool v_choice(struct verr *e, const cJSON *c, const char *path) {
    static const char *const kinds[] = {"text_message",
                                        "url_message",
                                        "call_message",
                                        "location_message",
                                        "calendar_message",
                                        "share_location_message",
                                        NULL};
    static const char *const known[] = {"text_message",     "url_message",
                                        "call_message",     "location_message",
                                        "calendar_message", "share_location_message",
                                        "postback_data",    NULL};
    const char *which;
    const cJSON *k;
    if (!cJSON_IsObject(c))
        return vfail(e, path, "must be an object");
    if (!v_known(e, c, path, known) || !v_one_of(e, c, path, kinds, &which) ||
        !v_str(e, c, path, "postback_data", false, 0, 0, NULL) ||
        !v_obj(e, c, path, which, true, &k))
        return false;
    char p[320];
    vpath(p, sizeof p, path, which);
    if (strcmp(which, "text_message") == 0)
        return v_str(e, k, p, "text", true, 1, 0, NULL);
    if (strcmp(which, "url_message") == 0)
        return v_str(e, k, p, "title", true, 1, 0, NULL) && v_str(e, k, p, "url", true, 1, 0, NULL);
    if (strcmp(which, "call_message") == 0)
        return v_str(e, k, p, "phone_number", true, 1, 0, NULL) &&
               v_str(e, k, p, "title", true, 1, 0, NULL);
    if (strcmp(which, "location_message") == 0)
        return v_location(e, k, p);
    return true; /* calendar / share_location: shape is the provider's business */
}

static bool v_choices(struct verr *e, const cJSON *obj, const char *path, bool required,
                      size_t max) {
    const cJSON *arr;
    char p[256];
    vpath(p, sizeof p, path, "choices");
    if (!v_arr(e, obj, path, "choices", required, required ? 1 : 0, max, &arr))
        return false;
    int i = 0;
    for (const cJSON *it = arr ? arr->child : NULL; it; it = it->next, i++) {
        char ip[300];
        snprintf(ip, sizeof ip, "%s[%d]", p, i);
        if (!v_choice(e, it, ip))
            return false;
    }
    return true;
}

static bool v_media(struct verr *e, const cJSON *obj, const char *path, const char *key,
                    bool required) {
    const cJSON *m;
    char p[256];
    vpath(p, sizeof p, path, key);
    return v_obj(e, obj, path, key, required, &m) &&
           (!m || (v_str(e, m, p, "url", true, 1, 0, NULL) &&
                   v_str(e, m, p, "thumbnail_url", false, 0, 0, NULL) &&
                   v_str(e, m, p, "filename_override", false, 0, 0, NULL)));
}

static bool v_card(struct verr *e, const cJSON *c, const char *path) {
    static const char *const heights[] = {"UNSPECIFIED_HEIGHT", "SHORT", "MEDIUM", "TALL", NULL};
    if (!cJSON_IsObject(c))
        return vfail(e, path, "must be an object");
    return v_str(e, c, path, "title", false, 0, 0, NULL) &&
           v_str(e, c, path, "description", false, 0, 0, NULL) &&
           v_media(e, c, path, "media_message", false) &&
           v_enum(e, c, path, "height", false, heights) && v_choices(e, c, path, false, 10);
}

static bool v_contact_info(struct verr *e, const cJSON *m, const char *path) {
    const cJSON *name, *phones;
    const char *birthday;
    char p[256];
    if (!v_obj(e, m, path, "name", true, &name) ||
        !v_str(e, name, vpath(p, sizeof p, path, "name"), "full_name", true, 1, 0, NULL) ||
        !v_arr(e, m, path, "phone_numbers", true, 1, 0, &phones))
        return false;
    int i = 0;
    for (const cJSON *it = phones->child; it; it = it->next, i++) {
        char ip[300];
        snprintf(ip, sizeof ip, "%s.phone_numbers[%d]", path, i);
        if (!cJSON_IsObject(it))
            return vfail(e, ip, "must be an object");
        if (!v_str(e, it, ip, "phone_number", true, 1, 0, NULL))
            return false;
    }
    if (!v_arr(e, m, path, "addresses", false, 0, 0, NULL) ||
        !v_arr(e, m, path, "email_addresses", false, 0, 0, NULL) ||
        !v_arr(e, m, path, "urls", false, 0, 0, NULL) ||
        !v_obj(e, m, path, "organization", false, NULL) ||
        !v_str(e, m, path, "birthday", false, 0, 0, &birthday))
        return false;
    if (birthday && !iso_date(birthday))
        return vfail(e, vpath(p, sizeof p, path, "birthday"), "must be a date YYYY-MM-DD");
    return true;
}

/* sections[{items[]}], items all choice{title} or all product{id, marketplace}. */
static bool v_list(struct verr *e, const cJSON *m, const char *path) {
    const cJSON *sections;
    if (!v_str(e, m, path, "title", true, 1, 0, NULL) ||
        !v_str(e, m, path, "description", false, 0, 0, NULL) ||
        !v_arr(e, m, path, "sections", true, 1, 0, &sections))
        return false;
    const char *kind_seen = NULL;
    int s = 0;
    for (const cJSON *sec = sections->child; sec; sec = sec->next, s++) {
        char sp[300];
        const cJSON *items;
        snprintf(sp, sizeof sp, "%s.sections[%d]", path, s);
        if (!cJSON_IsObject(sec))
            return vfail(e, sp, "must be an object");
        if (!v_str(e, sec, sp, "title", false, 0, 0, NULL) ||
            !v_arr(e, sec, sp, "items", true, 1, 0, &items))
            return false;
        int i = 0;
        for (const cJSON *it = items->child; it; it = it->next, i++) {
            static const char *const kinds[] = {"choice", "product", NULL};
            char ip[340], kp[360];
            const char *which;
            const cJSON *k;
            snprintf(ip, sizeof ip, "%s.items[%d]", sp, i);
            if (!cJSON_IsObject(it))
                return vfail(e, ip, "must be an object");
            if (!v_known(e, it, ip, kinds) || !v_one_of(e, it, ip, kinds, &which) ||
                !v_obj(e, it, ip, which, true, &k))
                return false;
            if (kind_seen && strcmp(kind_seen, which) != 0)
                return vfail(e, ip, "all items must be of one kind, got %s and %s", kind_seen,
                             which);
            kind_seen = which;
            vpath(kp, sizeof kp, ip, which);
            if (strcmp(which, "choice") == 0 ? !v_str(e, k, kp, "title", true, 1, 0, NULL)
                                             : !(v_str(e, k, kp, "id", true, 1, 0, NULL) &&
                                                 v_str(e, k, kp, "marketplace", true, 1, 0, NULL)))
                return false;
        }
    }
    return true;
}

static bool v_template_ref(struct verr *e, const cJSON *t, const char *path) {
    if (!cJSON_IsObject(t))
        return vfail(e, path, "must be an object");
    return v_str(e, t, path, "template_id", true, 1, 0, NULL) &&
           v_str(e, t, path, "version", false, 0, 0, NULL) &&
           v_str(e, t, path, "language_code", false, 0, 0, NULL) &&
           v_str_map(e, t, path, "parameters", 0);
}

static bool v_template(struct verr *e, const cJSON *m, const char *path) {
    static const char *const kinds[] = {"omni_template", "channel_template", NULL};
    const char *which;
    const cJSON *t;
    char p[256];
    if (!v_known(e, m, path, kinds) || !v_one_of(e, m, path, kinds, &which) ||
        !v_obj(e, m, path, which, true, &t))
        return false;
    vpath(p, sizeof p, path, which);
    if (strcmp(which, "omni_template") == 0)
        return v_template_ref(e, t, p);
    for (const cJSON *it = t->child; it; it = it->next) {
        char cp[300];
        if (!v_template_ref(e, it, vpath(cp, sizeof cp, p, it->string)))
            return false;
    }
    return true;
}

static const char *const MESSAGE_KINDS[] = {"text_message",         "media_message",
                                            "choice_message",       "card_message",
                                            "carousel_message",     "location_message",
                                            "contact_info_message", "list_message",
                                            "template_message",     NULL};

static bool v_message(struct verr *e, const cJSON *body) {
    static const char *const known[] = {"text_message",
                                        "media_message",
                                        "choice_message",
                                        "card_message",
                                        "carousel_message",
                                        "location_message",
                                        "contact_info_message",
                                        "list_message",
                                        "template_message",
                                        "explicit_channel_message",
                                        "explicit_channel_omni_message",
                                        "channel_specific_message",
                                        "agent",
                                        NULL};
    const cJSON *m, *k;
    const char *which;
    if (!v_obj(e, body, "", "message", true, &m) || !v_known(e, m, "message", known) ||
        !v_one_of(e, m, "message", MESSAGE_KINDS, &which) ||
        !v_str_map(e, m, "message", "explicit_channel_message", 0) ||
        !v_obj(e, m, "message", "explicit_channel_omni_message", false, NULL) ||
        !v_obj(e, m, "message", "channel_specific_message", false, NULL) ||
        !v_agent(e, m, "message", "agent", false) || !v_obj(e, m, "message", which, true, &k))
        return false;
    char p[128];
    vpath(p, sizeof p, "message", which);
    if (strcmp(which, "text_message") == 0)
        return v_str(e, k, p, "text", true, 1, 0, NULL);
    if (strcmp(which, "media_message") == 0)
        return v_media(e, m, "message", which, true);
    if (strcmp(which, "choice_message") == 0) {
        const cJSON *t;
        char tp[160];
        return v_choices(e, k, p, true, 10) && v_obj(e, k, p, "text_message", false, &t) &&
               (!t ||
                v_str(e, t, vpath(tp, sizeof tp, p, "text_message"), "text", true, 1, 0, NULL));
    }
    if (strcmp(which, "card_message") == 0)
        return v_card(e, k, p);
    if (strcmp(which, "carousel_message") == 0) {
        const cJSON *cards;
        if (!v_arr(e, k, p, "cards", true, 1, 10, &cards) || !v_choices(e, k, p, false, 3))
            return false;
        int i = 0;
        for (const cJSON *c = cards->child; c; c = c->next, i++) {
            char cp[160];
            snprintf(cp, sizeof cp, "%s.cards[%d]", p, i);
            if (!v_card(e, c, cp))
                return false;
        }
        return true;
    }
    if (strcmp(which, "location_message") == 0)
        return v_location(e, k, p);
    if (strcmp(which, "contact_info_message") == 0)
        return v_contact_info(e, k, p);
    if (strcmp(which, "list_message") == 0)
        return v_list(e, k, p);
    return v_template(e, k, p);
}

/* ttl: "<n>s" with n in 3..315576000000 (a protobuf Duration in whole seconds). */
static bool v_ttl(struct verr *e, const cJSON *body) {
    const char *s;
    if (!v_str(e, body, "", "ttl", false, 0, 0, &s))
        return false;
    if (!s)
        return true;
    size_t n = strlen(s);
    bool ok = n >= 2 && n <= 13 && s[n - 1] == 's';
    unsigned long long v = 0;
    for (size_t i = 0; ok && i + 1 < n; i++) {
        ok = isdigit((unsigned char)s[i]);
        v = v * 10 + (unsigned)(s[i] - '0');
    }
    if (!ok)
        return vfail(e, "ttl", "must be a string \"<seconds>s\", e.g. \"10s\", got \"%.40s\"", s);
    if (v < 3 || v > 315576000000ull)
        return vfail(e, "ttl", "seconds must be in 3..315576000000, got %llu", v);
    return true;
}

static bool v_events_send(struct verr *e, const cJSON *body) {
    static const char *const known[] = {
        "app_id",         "recipient", "event", "callback_url", "channel_priority_order",
        "event_metadata", "queue",     NULL};
    return v_known(e, body, "", known) && v_str(e, body, "", "app_id", true, 1, 0, NULL) &&
           v_recipient(e, body) && v_event(e, body) && v_url(e, body, "", "callback_url") &&
           v_channel_list(e, body) && v_str(e, body, "", "event_metadata", false, 0, 0, NULL) &&
           v_enum(e, body, "", "queue", false, QUEUES);
}

static bool v_messages_send(struct verr *e, const cJSON *body) {
    static const char *const known[] = {"app_id",
                                        "recipient",
                                        "message",
                                        "callback_url",
                                        "channel_priority_order",
                                        "channel_properties",
                                        "message_metadata",
                                        "conversation_metadata",
                                        "queue",
                                        "ttl",
                                        "processing_strategy",
                                        "correlation_id",
                                        "conversation_metadata_update_strategy",
                                        "message_content_type",
                                        NULL};
    static const char *const strategies[] = {"DEFAULT", "DISPATCH_ONLY", NULL};
    static const char *const updates[] = {"REPLACE", "MERGE_PATCH", NULL};
    static const char *const contents[] = {"CONTENT_UNKNOWN", "CONTENT_MARKETING",
                                           "CONTENT_NOTIFICATION", NULL};
    const cJSON *meta;
    if (!v_known(e, body, "", known) || !v_str(e, body, "", "app_id", true, 1, 0, NULL) ||
        !v_recipient(e, body) || !v_message(e, body) || !v_url(e, body, "", "callback_url") ||
        !v_channel_list(e, body) || !v_str_map(e, body, "", "channel_properties", 1024) ||
        !v_str(e, body, "", "message_metadata", false, 0, 1024, NULL) ||
        !v_obj(e, body, "", "conversation_metadata", false, &meta) ||
        !v_enum(e, body, "", "queue", false, QUEUES) || !v_ttl(e, body) ||
        !v_enum(e, body, "", "processing_strategy", false, strategies) ||
        !v_str(e, body, "", "correlation_id", false, 0, 128, NULL) ||
        !v_enum(e, body, "", "conversation_metadata_update_strategy", false, updates) ||
        !v_enum(e, body, "", "message_content_type", false, contents))
        return false;
    if (meta) {
        char *printed = cJSON_PrintUnformatted(meta);
        size_t n = utf8_chars(printed);
        free(printed);
        if (n > 2048)
            return vfail(e, "conversation_metadata", "at most 2048 characters serialized, got %zu",
                         n);
    }
    return true;
}

/* ------------------------------------------------------------------ routes */

static bool project_id_ok(const char *id) {
    for (const char *p = id; *p; p++)
        if (!isalnum((unsigned char)*p) && *p != '-' && *p != '_')
            return false;
    return *id != '\0';
}

static void send_common(const struct request *rq, struct reply *rp,
                        bool (*validate)(struct verr *, const cJSON *), const char *id_field) {
    if (!require_post(rq, rp, sinch_error) || !sinch_auth(rq, rp))
        return;
    if (!project_id_ok(rq->param[0])) {
        sinch_error(rp, 400, "project_id: must match [A-Za-z0-9_-]+");
        return;
    }
    cJSON *body = parse_json_body(rq, rp, sinch_error);
    if (!body)
        return;
    struct verr e;
    if (!validate(&e, body)) {
        cJSON_Delete(body);
        sinch_error(rp, 400, e.msg);
        return;
    }
    char when[32], id[27], out[128];
    iso_time(when, now_ms());
    new_ulid(id);
    snprintf(out, sizeof out, "{\"accepted_time\":\"%s\",\"%s\":\"%s\"}", when, id_field, id);
    reply_text(rp, 200, out);
    struct sinch_accepted a = {.op = strcmp(id_field, "event_id") == 0 ? OP_SEND_EVENT
                                                                       : OP_SEND_MESSAGE,
                               .project_id = rq->param[0],
                               .id = id,
                               .accepted_time = when,
                               .body = body};
    deliveries_sinch(&a);
    cJSON_Delete(body);
}

void sinch_events_send(const struct request *rq, struct reply *rp) {
    send_common(rq, rp, v_events_send, "event_id");
}

void sinch_messages_send(const struct request *rq, struct reply *rp) {
    send_common(rq, rp, v_messages_send, "message_id");
}
