/* Amazon Connect Participant Service: SendEvent, SendMessage, CreateParticipantConnection,
 * DisconnectParticipant. Rules from docs/providers.md §3 and seed 003. */
#include "connect.h"

#include "chat.h"
#include "check.h"
#include "emulator.h"
#include "reply.h"
#include "store.h"
#include "util.h"
#include "websocket.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------ error format */

/* AWS rest-json: the code travels in x-amzn-ErrorType as "<Type>:<namespace URL>" (clients cut at
 * the first ':'), the text in {"message"}. */
void connect_error_typed(struct reply *rp, int status, const char *type, const char *message) {
    cJSON *doc = cJSON_CreateObject();
    cJSON_AddStringToObject(doc, "message", message);
    reply_json(rp, status, doc);
    char value[200];
    snprintf(value, sizeof value, "%s:http://internal.amazon.com/coral/%s/", type,
             strcmp(type, "ValidationException") == 0 ? "com.amazon.coral.validate"
                                                      : "com.amazonaws.connectparticipant");
    reply_header(rp, "x-amzn-ErrorType", value);
}

void connect_error(struct reply *rp, int status, const char *message) {
    const char *type;
    switch (status) {
    case 400:
    case 413:
        type = "ValidationException";
        break;
    case 403:
        type = "AccessDeniedException";
        break;
    case 404:
        type = "ResourceNotFoundException";
        break;
    case 405:
        type = "UnknownOperationException";
        break;
    case 409:
        type = "ConflictException";
        break;
    case 415:
        type = "UnsupportedMediaTypeException";
        break;
    case 429:
        type = "ThrottlingException";
        break;
    case 503:
        type = "ServiceUnavailableException";
        break;
    default:
        type = status >= 500 ? "InternalServerException" : "BadRequestException";
    }
    connect_error_typed(rp, status, type, message);
}

/* ------------------------------------------------------------------ auth */

/* X-Amz-Bearer carries the ConnectionToken (or, for CreateParticipantConnection, the
 * ParticipantToken). Absent or unknown -> 403; present but of invalid length -> 400. */
static bool bearer_ok(const struct request *rq, struct reply *rp, bool participant) {
    const char *name = participant ? "ParticipantToken" : "ConnectionToken";
    const char *tok = request_header(rq, "X-Amz-Bearer");
    char msg[160];
    if (!tok) {
        snprintf(msg, sizeof msg, "%s (header X-Amz-Bearer) is missing", name);
        connect_error(rp, 403, msg);
        return false;
    }
    size_t n = utf8_chars(tok);
    if (n < 1 || n > 1000) {
        snprintf(msg, sizeof msg, "%s: length must be 1..1000, got %zu", name, n);
        connect_error(rp, 400, msg);
        return false;
    }
    enum token_state st = TOKEN_UNKNOWN;
    bool ok = participant ? consttime_eq(tok, cfg.connect_participant_token)
                          : consttime_eq(tok, cfg.connect_connection_token) ||
                                (st = store_token_check(TOK_CONNECT, tok)) == TOKEN_VALID;
    if (!ok) {
        /* an issued token turns invalid when its participant disconnects */
        snprintf(msg, sizeof msg, "%s is not valid%s", name,
                 st == TOKEN_EXPIRED ? ": the participant has disconnected" : "");
        connect_error(rp, 403, msg);
    }
    return ok;
}

/* ------------------------------------------------------------------ validation */

#define CT_PREFIX "application/vnd.amazonaws.connect.event."

static bool v_send_event(struct verr *e, const cJSON *body) {
    static const char *const known[] = {"ContentType", "Content", "ClientToken", NULL};
    const char *type, *content;
    if (!v_known(e, body, "", known) || !v_str(e, body, "", "ContentType", true, 1, 100, &type) ||
        !v_str(e, body, "", "Content", false, 1, 16384, &content) ||
        !v_str(e, body, "", "ClientToken", false, 0, 500, NULL))
        return false;
    /* ContentType is an open enum; but the receipt kinds need Content {"messageId": "..."}. */
    if (strcmp(type, CT_PREFIX "message.delivered") == 0 ||
        strcmp(type, CT_PREFIX "message.read") == 0) {
        if (!content)
            return vfail(e, "Content", "required for %s: {\"messageId\":\"...\"}", type);
        cJSON *c = cJSON_Parse(content);
        const cJSON *id = cJSON_GetObjectItemCaseSensitive(c, "messageId");
        bool ok = cJSON_IsString(id) && id->valuestring[0];
        cJSON_Delete(c);
        if (!ok)
            return vfail(e, "Content", "must be a JSON string {\"messageId\":\"...\"} for %s",
                         type);
    }
    return true;
}

static bool v_send_message(struct verr *e, const cJSON *body) {
    static const char *const known[] = {"ContentType", "Content", "ClientToken", NULL};
    return v_known(e, body, "", known) && v_str(e, body, "", "ContentType", true, 1, 100, NULL) &&
           v_str(e, body, "", "Content", true, 1, 16384, NULL) &&
           v_str(e, body, "", "ClientToken", false, 0, 500, NULL);
}

static bool v_disconnect(struct verr *e, const cJSON *body) {
    static const char *const known[] = {"ClientToken", NULL};
    return v_known(e, body, "", known) && v_str(e, body, "", "ClientToken", false, 0, 500, NULL);
}

static const char *const CONNECTION_TYPES[] = {"WEBSOCKET", "CONNECTION_CREDENTIALS",
                                               "WEBRTC_CONNECTION", NULL};

/* Returns a bit set of requested types (bit i = CONNECTION_TYPES[i]), or -1 with e filled. */
static int v_create_connection(struct verr *e, const cJSON *body) {
    static const char *const known[] = {"Type", "ConnectParticipant", NULL};
    const cJSON *types;
    if (!v_known(e, body, "", known) || !v_arr(e, body, "", "Type", false, 1, 3, &types) ||
        !v_bool(e, body, "", "ConnectParticipant", false))
        return -1;
    int set = 0, i = 0;
    for (const cJSON *t = types ? types->child : NULL; t; t = t->next, i++) {
        char p[32];
        snprintf(p, sizeof p, "Type[%d]", i);
        int k = -1;
        for (int j = 0; CONNECTION_TYPES[j] && cJSON_IsString(t); j++)
            if (strcmp(t->valuestring, CONNECTION_TYPES[j]) == 0)
                k = j;
        if (k < 0)
            return vfail(e, p,
                         "must be one of WEBSOCKET, CONNECTION_CREDENTIALS, "
                         "WEBRTC_CONNECTION"),
                   -1;
        set |= 1 << k;
    }
    if (!set && !cJSON_IsTrue(vget(body, "ConnectParticipant")))
        return vfail(e, "Type", "required unless ConnectParticipant is true"), -1;
    return set;
}

/* ------------------------------------------------------------------ routes */

/* Auth, body, validation. Disconnect alone may come without a body. */
static cJSON *prologue(const struct request *rq, struct reply *rp, bool participant,
                       bool empty_ok) {
    if (!require_post(rq, rp, connect_error) || !bearer_ok(rq, rp, participant))
        return NULL;
    if (empty_ok && rq->body_len == 0)
        return cJSON_CreateObject();
    return parse_json_body(rq, rp, connect_error);
}

/* ClientToken is an idempotency token: the first answer is returned again, byte for byte. */
static void answer_idempotent(struct reply *rp, const char *route, const cJSON *body,
                              char *answer) {
    const cJSON *ct = vget(body, "ClientToken");
    if (cJSON_IsString(ct) && ct->valuestring[0]) {
        size_t n = strlen(route) + strlen(ct->valuestring) + 2;
        char *key = xmalloc(n);
        snprintf(key, n, "%s\n%s", route, ct->valuestring);
        char *first = store_idempotent(key, answer);
        free(key);
        if (first) {
            free(answer);
            answer = first;
            rp->replayed = true;
        }
    }
    reply_set_body(rp, 200, answer);
}

/* An accepted send also reaches the sender's own websocket, as the real service delivers it. */
static void send_common(const struct request *rq, struct reply *rp,
                        bool (*validate)(struct verr *, const cJSON *), const char *route,
                        const char *item_type) {
    cJSON *body = prologue(rq, rp, false, false);
    if (!body)
        return;
    struct verr e;
    if (!validate(&e, body)) {
        connect_error(rp, 400, e.msg);
    } else {
        char id[37], when[32], out[128];
        new_uuid(id);
        iso_time(when, now_ms());
        snprintf(out, sizeof out, "{\"Id\":\"%s\",\"AbsoluteTime\":\"%s\"}", id, when);
        answer_idempotent(rp, route, body, xstrdup(out));
        const cJSON *ct = vget(body, "ContentType"), *content = vget(body, "Content");
        if (!rp->replayed)
            chat_customer_item(request_header(rq, "X-Amz-Bearer"), item_type, ct->valuestring,
                               cJSON_IsString(content) ? content->valuestring : NULL, id, when);
    }
    cJSON_Delete(body);
}

void connect_send_event(const struct request *rq, struct reply *rp) {
    send_common(rq, rp, v_send_event, "event", "EVENT");
}

void connect_send_message(const struct request *rq, struct reply *rp) {
    send_common(rq, rp, v_send_message, "message", "MESSAGE");
}

void connect_disconnect(const struct request *rq, struct reply *rp) {
    cJSON *body = prologue(rq, rp, false, true);
    if (!body)
        return;
    struct verr e;
    if (!v_disconnect(&e, body)) {
        connect_error(rp, 400, e.msg);
    } else {
        answer_idempotent(rp, "disconnect", body, xstrdup("{}"));
        /* From now on the issued token is refused (the fixed one stays valid). */
        const char *tok = request_header(rq, "X-Amz-Bearer");
        store_token_revoke(TOK_CONNECT, tok);
        chat_disconnect(tok);
    }
    cJSON_Delete(body);
}

/* Issues only what Type asked for; ConnectParticipant alone answers {}. Issued connection
 * tokens stay valid until reset. */
void connect_create_connection(const struct request *rq, struct reply *rp) {
    cJSON *body = prologue(rq, rp, true, false);
    if (!body)
        return;
    struct verr e;
    int set = v_create_connection(&e, body);
    cJSON_Delete(body);
    if (set < 0) {
        connect_error(rp, 400, e.msg);
        return;
    }
    cJSON *doc = cJSON_CreateObject();
    char uuid[37], t1[32], t2[32], ws_key[37] = "", token[100] = "";
    int64_t now = now_ms(), ws_expiry = now + 100 * 1000; /* websocket URLs are short-lived */
    iso_time(t1, ws_expiry);
    iso_time(t2, now + 24 * 3600 * 1000LL); /* connection credentials last a day */
    if (set & 1) {                          /* served on this port: ws:// or wss:// as we are */
        bool tls = strncmp(cfg.url, "https://", 8) == 0;
        char url[512];
        new_uuid(ws_key);
        snprintf(url, sizeof url, "%s://%s%s%s", tls ? "wss" : "ws", cfg.url + (tls ? 8 : 7),
                 WEBSOCKET_PATH, ws_key);
        cJSON *ws = cJSON_AddObjectToObject(doc, "Websocket");
        cJSON_AddStringToObject(ws, "Url", url);
        cJSON_AddStringToObject(ws, "ConnectionExpiry", t1);
    }
    if (set & 2) {
        memcpy(token, "emu-ct-", 7);
        new_token(token + 7, 64);
        store_token_add(TOK_CONNECT, token, INT64_MAX);
        cJSON *cc = cJSON_AddObjectToObject(doc, "ConnectionCredentials");
        cJSON_AddStringToObject(cc, "ConnectionToken", token);
        cJSON_AddStringToObject(cc, "Expiry", t2);
    }
    if (set & 3) /* the websocket and the token of one call belong to one chat */
        chat_create(ws_key, token, ws_expiry);
    if (set & 4) {
        char join[48];
        cJSON *rtc = cJSON_AddObjectToObject(doc, "WebRTCConnection");
        cJSON *att = cJSON_AddObjectToObject(rtc, "Attendee");
        new_uuid(uuid);
        cJSON_AddStringToObject(att, "AttendeeId", uuid);
        new_token(join, 40);
        cJSON_AddStringToObject(att, "JoinToken", join);
        cJSON *meet = cJSON_AddObjectToObject(rtc, "Meeting");
        new_uuid(uuid);
        cJSON_AddStringToObject(meet, "MeetingId", uuid);
        cJSON_AddStringToObject(meet, "MediaRegion", "us-east-1");
    }
    reply_json(rp, 200, doc);
}
