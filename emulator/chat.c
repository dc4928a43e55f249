/* chat.c - Connect chats for the participant websocket (chat.h).
 *
 * A chat starts with CreateParticipantConnection: the websocket key (in Websocket.Url) and the
 * ConnectionToken issued by the same call belong to it, with a ContactId and the customer's
 * ParticipantId. Items reach the chat's websockets as Connect delivers them:
 * {"topic":"aws/chat","contentType":"application/json","content":"<item as JSON text>"}.
 * Chats have their own lock (they are not part of the request log's store). */
#include "chat.h"

#include "emulator.h"
#include "util.h"
#include "watch.h"
#include "websocket.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CT_EVENT "application/vnd.amazonaws.connect.event."

struct chat {
    char ws_key[64], token[128];
    char contact[37], customer[37], agent[37];
    int64_t ws_expiry; /* epoch ms */
    bool ended;        /* the customer disconnected */
    struct chat *next; /* newer */
};

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static struct chat *oldest, *newest;
static size_t count;
static cJSON *agent_items; /* what the agent side sent, oldest first (at most cfg.max_records) */
static uint64_t next_item_seq = 1;

static void drop_oldest_locked(void) {
    struct chat *c = oldest;
    oldest = c->next;
    if (!oldest)
        newest = NULL;
    count--;
    free(c);
}

void chat_create(const char *ws_key, const char *token, int64_t ws_expiry_ms) {
    struct chat *c = calloc(1, sizeof *c);
    if (!c)
        abort();
    snprintf(c->ws_key, sizeof c->ws_key, "%s", ws_key ? ws_key : "");
    snprintf(c->token, sizeof c->token, "%s", token ? token : "");
    new_uuid(c->contact);
    new_uuid(c->customer);
    new_uuid(c->agent);
    c->ws_expiry = ws_expiry_ms;
    pthread_mutex_lock(&mu);
    if (count >= cfg.max_records)
        drop_oldest_locked();
    if (newest)
        newest->next = c;
    else
        oldest = c;
    newest = c;
    count++;
    pthread_mutex_unlock(&mu);
}

static struct chat *find_locked(const char *ws_key, const char *token) {
    for (struct chat *c = oldest; c; c = c->next)
        if ((ws_key && *ws_key && strcmp(c->ws_key, ws_key) == 0) ||
            (token && *token && strcmp(c->token, token) == 0))
            return c;
    return NULL;
}

bool chat_contact_of(const char *token, char contact[37]) {
    pthread_mutex_lock(&mu);
    struct chat *c = find_locked(NULL, token);
    if (c)
        memcpy(contact, c->contact, sizeof c->contact);
    pthread_mutex_unlock(&mu);
    return c != NULL;
}

bool chat_websocket_allowed(const char *ws_key, const char **why) {
    pthread_mutex_lock(&mu);
    struct chat *c = find_locked(ws_key, NULL);
    *why = !c                        ? "unknown websocket URL"
           : c->ended                ? "the participant has disconnected"
           : now_ms() > c->ws_expiry ? "the websocket URL has expired (ConnectionExpiry)"
                                     : NULL;
    pthread_mutex_unlock(&mu);
    return *why == NULL;
}

struct item {
    const char *type, *content_type, *content, *id, *when;
    const char *participant, *display_name, *role;
};

/* Builds the frame for one item and sends it to the chat's subscribers (mu held: the order
 * of items on a websocket is the order they were sent in). */
static int deliver_locked(const struct chat *c, const struct item *it) {
    cJSON *inner = cJSON_CreateObject();
    cJSON_AddStringToObject(inner, "AbsoluteTime", it->when);
    if (it->content)
        cJSON_AddStringToObject(inner, "Content", it->content);
    cJSON_AddStringToObject(inner, "ContentType", it->content_type);
    cJSON_AddStringToObject(inner, "Id", it->id);
    cJSON_AddStringToObject(inner, "Type", it->type);
    cJSON_AddStringToObject(inner, "ParticipantId", it->participant);
    cJSON_AddStringToObject(inner, "DisplayName", it->display_name);
    cJSON_AddStringToObject(inner, "ParticipantRole", it->role);
    cJSON_AddStringToObject(inner, "InitialContactId", c->contact);
    cJSON_AddStringToObject(inner, "ContactId", c->contact);
    char *text = cJSON_PrintUnformatted(inner);
    cJSON_Delete(inner);
    cJSON *outer = cJSON_CreateObject();
    cJSON_AddStringToObject(outer, "topic", "aws/chat");
    cJSON_AddStringToObject(outer, "contentType", "application/json");
    cJSON_AddStringToObject(outer, "content", text);
    free(text);
    char *frame = cJSON_PrintUnformatted(outer);
    cJSON_Delete(outer);
    int n = c->ws_key[0] ? websocket_broadcast(c->ws_key, frame) : 0;
    free(frame);
    return n;
}

void chat_customer_item(const char *token, const char *type, const char *content_type,
                        const char *content, const char *id, const char *when) {
    pthread_mutex_lock(&mu);
    struct chat *c = find_locked(NULL, token);
    if (c && !c->ended) {
        struct item it = {type, content_type, content,    id,
                          when, c->customer,  "Customer", "CUSTOMER"};
        deliver_locked(c, &it);
    }
    pthread_mutex_unlock(&mu);
}

void chat_disconnect(const char *token) {
    pthread_mutex_lock(&mu);
    struct chat *c = find_locked(NULL, token);
    if (c && !c->ended) {
        char id[37], when[32];
        new_uuid(id);
        iso_time(when, now_ms());
        struct item it = {
            "EVENT",   CT_EVENT "participant.left", NULL, id, when, c->customer, "Customer",
            "CUSTOMER"};
        deliver_locked(c, &it);
        c->ended = true;
        if (c->ws_key[0])
            websocket_close(c->ws_key);
    }
    pthread_mutex_unlock(&mu);
}

void chat_reset(void) {
    pthread_mutex_lock(&mu);
    while (oldest)
        drop_oldest_locked();
    cJSON_Delete(agent_items);
    agent_items = NULL;
    pthread_mutex_unlock(&mu);
    websocket_close(NULL);
    watch_bump();
}

/* ------------------------------------------------------------------ the agent side */

static const char *spec_str(const cJSON *spec, const char *key) {
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(spec, key);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

static bool one_of(const char *s, const char *const *allowed) {
    for (int i = 0; allowed[i]; i++)
        if (strcmp(s, allowed[i]) == 0)
            return true;
    return false;
}

/* Checks the agent spec's fields; false with err. */
static bool agent_spec_ok(const cJSON *spec, char *err, size_t errlen) {
    static const char *const known[] = {
        "ConnectionToken", "WebsocketUrl",    "Type", "ContentType", "Content",
        "DisplayName",     "ParticipantRole", NULL};
    static const char *const types[] = {"MESSAGE", "EVENT", NULL};
    static const char *const roles[] = {"AGENT",      "SYSTEM",     "CUSTOMER",
                                        "SUPERVISOR", "CUSTOM_BOT", NULL};
    if (!cJSON_IsObject(spec)) {
        snprintf(err, errlen, "body must be a JSON object");
        return false;
    }
    for (const cJSON *it = spec->child; it; it = it->next) {
        if (!one_of(it->string, known)) {
            snprintf(err, errlen, "%s: unknown field", it->string);
            return false;
        }
        if (!cJSON_IsString(it)) {
            snprintf(err, errlen, "%s: must be a string", it->string);
            return false;
        }
    }
    const char *token = spec_str(spec, "ConnectionToken"), *url = spec_str(spec, "WebsocketUrl");
    const char *type = spec_str(spec, "Type"), *ct = spec_str(spec, "ContentType");
    const char *content = spec_str(spec, "Content"), *role = spec_str(spec, "ParticipantRole");
    if (!token == !url)
        snprintf(err, errlen, "exactly one of ConnectionToken, WebsocketUrl is required");
    else if (type && !one_of(type, types))
        snprintf(err, errlen, "Type: must be one of MESSAGE, EVENT");
    else if (!ct || !*ct || utf8_chars(ct) > 100)
        snprintf(err, errlen, "ContentType: required, 1..100 characters");
    else if (content && (!*content || utf8_chars(content) > 16384))
        snprintf(err, errlen, "Content: 1..16384 characters");
    else if (!content && (!type || strcmp(type, "MESSAGE") == 0))
        snprintf(err, errlen, "Content: required for a MESSAGE");
    else if (role && !one_of(role, roles))
        snprintf(err, errlen,
                 "ParticipantRole: must be one of AGENT, SYSTEM, CUSTOMER, SUPERVISOR, CUSTOM_BOT");
    else
        return true;
    return false;
}

/* Keeps what the agent side sent for GET /_emulator/connect/agent (the page's transcript). */
static void agent_record_locked(const struct chat *c, const struct item *it, int delivered) {
    if (!agent_items)
        agent_items = cJSON_CreateArray();
    char label[64];
    snprintf(label, sizeof label, "contact %s", c->contact);
    cJSON *o = cJSON_CreateObject();
    cJSON_AddNumberToObject(o, "seq", (double)next_item_seq++);
    cJSON_AddNumberToObject(o, "received", mono_seconds()); /* the request log's clock */
    cJSON_AddStringToObject(o, "conversation", label);
    cJSON_AddStringToObject(o, "Id", it->id);
    cJSON_AddStringToObject(o, "AbsoluteTime", it->when);
    cJSON_AddStringToObject(o, "Type", it->type);
    cJSON_AddStringToObject(o, "ContentType", it->content_type);
    if (it->content)
        cJSON_AddStringToObject(o, "Content", it->content);
    cJSON_AddStringToObject(o, "ParticipantRole", it->role);
    cJSON_AddStringToObject(o, "DisplayName", it->display_name);
    cJSON_AddNumberToObject(o, "Delivered", delivered);
    cJSON_AddItemToArray(agent_items, o);
    if ((size_t)cJSON_GetArraySize(agent_items) > cfg.max_records)
        cJSON_DeleteItemFromArray(agent_items, 0);
}

cJSON *chat_agent_items(uint64_t after, size_t last) {
    cJSON *doc = cJSON_CreateObject();
    cJSON *arr = cJSON_AddArrayToObject(doc, "items");
    pthread_mutex_lock(&mu);
    size_t n = agent_items ? (size_t)cJSON_GetArraySize(agent_items) : 0;
    size_t skip = last && n > last ? n - last : 0;
    for (const cJSON *r = agent_items ? agent_items->child : NULL; r; r = r->next, skip -= skip > 0)
        if (!skip && cJSON_GetObjectItemCaseSensitive(r, "seq")->valuedouble > (double)after)
            cJSON_AddItemToArray(arr, cJSON_Duplicate(r, true));
    pthread_mutex_unlock(&mu);
    return doc;
}

cJSON *chat_agent_send(const cJSON *spec, int *status, char *err, size_t errlen) {
    *status = 400;
    if (!agent_spec_ok(spec, err, errlen))
        return NULL;
    const char *token = spec_str(spec, "ConnectionToken"), *url = spec_str(spec, "WebsocketUrl");
    const char *key = url ? strstr(url, WEBSOCKET_PATH) : NULL;
    key = key ? key + strlen(WEBSOCKET_PATH) : url;
    const char *role = spec_str(spec, "ParticipantRole");
    role = role ? role : "AGENT";
    char id[37], when[32], other[37];
    new_uuid(id);
    new_uuid(other);
    iso_time(when, now_ms());
    pthread_mutex_lock(&mu);
    struct chat *c = find_locked(key, token);
    if (!c || c->ended) {
        pthread_mutex_unlock(&mu);
        *status = c ? 409 : 404;
        snprintf(err, errlen, "%s",
                 c ? "the participant has disconnected from this chat"
                   : "no chat has this ConnectionToken or WebsocketUrl");
        return NULL;
    }
    const char *name = spec_str(spec, "DisplayName");
    struct item it = {.type = spec_str(spec, "Type") ? spec_str(spec, "Type") : "MESSAGE",
                      .content_type = spec_str(spec, "ContentType"),
                      .content = spec_str(spec, "Content"),
                      .id = id,
                      .when = when,
                      .participant = !strcmp(role, "AGENT")      ? c->agent
                                     : !strcmp(role, "CUSTOMER") ? c->customer
                                                                 : other,
                      .display_name = name                     ? name
                                      : !strcmp(role, "AGENT") ? "Agent"
                                                               : role,
                      .role = role};
    int delivered = deliver_locked(c, &it);
    agent_record_locked(c, &it, delivered);
    cJSON *ans = cJSON_CreateObject();
    cJSON_AddStringToObject(ans, "Id", id);
    cJSON_AddStringToObject(ans, "AbsoluteTime", when);
    cJSON_AddStringToObject(ans, "ParticipantId", it.participant);
    cJSON_AddStringToObject(ans, "ContactId", c->contact);
    cJSON_AddNumberToObject(ans, "Delivered", delivered);
    pthread_mutex_unlock(&mu);
    watch_bump();
    *status = 200;
    return ans;
}
