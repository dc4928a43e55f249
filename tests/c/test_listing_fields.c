/* test_listing_fields.c - se_field_next (sendevent/listing.h): the fields of
 * each operation's request, with their types, required flags, enums and
 * limits; and that what the listing says is what se_validate checks: every
 * top-level field listed required is required, every listed type is the one
 * refused otherwise, and a name not listed is refused. */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "sendevent/sendevent.h"

static const se_field_info *find(const char *provider, const char *operation, const char *path) {
    for (const se_field_info *f = se_field_next(provider, operation, NULL); f;
         f = se_field_next(provider, operation, f))
        if (!strcmp(f->path, path))
            return f;
    return NULL;
}

static void check_field(const char *provider, const char *operation, const char *path,
                        const char *type, int required, const char *values, int open) {
    const se_field_info *f = find(provider, operation, path);
    CHECK(f != NULL);
    if (!f) {
        fprintf(stderr, "  not listed: %s %s %s\n", provider, operation, path);
        return;
    }
    CHECK_STR(f->provider, provider);
    CHECK_STR(f->operation, operation);
    CHECK_STR(f->type, type);
    CHECK_INT(f->required, required);
    if (values)
        CHECK_STR(f->values, values);
    else
        CHECK(f->values == NULL);
    CHECK_INT(f->open, open);
}

static void test_known_fields(void) {
    check_field("sinch", "send_event", "app_id", "string", 1, NULL, 0);
    check_field("sinch", "send_event", "recipient", "object", 1, NULL, 0);
    check_field("sinch", "send_event", "recipient.contact_id", "string", 0, NULL, 0);
    check_field("sinch", "send_event", "recipient.identified_by.channel_identities", "array", 1,
                NULL, 0);
    check_field("sinch", "send_event", "recipient.identified_by.channel_identities[]", "object", 0,
                NULL, 0);
    check_field("sinch", "send_event", "queue", "string", 0, "NORMAL_PRIORITY HIGH_PRIORITY", 0);
    /* the event kinds, checked by the provider's own rule (the app_event wrapper) */
    check_field("sinch", "send_event", "event.composing_event", "object", 0, NULL, 0);
    check_field("sinch", "send_event", "event.agent_joined_event.agent.type", "string", 1,
                "UNKNOWN_AGENT_TYPE HUMAN BOT", 0);
    check_field("sinch", "send_message", "channel_properties.*", "string", 0, NULL, 0);
    check_field("sinch", "send_message", "ttl", "any", 0, NULL, 0);
    check_field("sinch", "send_message",
                "message.carousel_message.cards[].choices[].url_message.url", "string", 1, NULL, 0);
    const se_field_info *ch =
        find("sinch", "send_message", "recipient.identified_by.channel_identities[].channel");
    CHECK(ch && ch->open && ch->values && strstr(ch->values, "WHATSAPP"));
    const se_field_info *choices = find("sinch", "send_message", "message.choice_message.choices");
    CHECK(choices && choices->min == 1 && choices->max == 10);
    check_field("zapi", "respond_event", "eventResponse", "string", 1, "GOING NOT_GOING", 0);
    check_field("zapi", "send_message", "delayTyping", "number", 0, NULL, 0);
    check_field("zapi", "send_event", "event.canceled", "boolean", 0, NULL, 0);
    check_field("connect", "create_connection", "Type[]", "string", 0,
                "WEBSOCKET CONNECTION_CREDENTIALS WEBRTC_CONNECTION", 0);
    const se_field_info *ct = find("connect", "send_event", "ContentType");
    CHECK(ct && ct->open && ct->max == 100 && strstr(ct->values, "event.typing"));
    CHECK(find("sinch", "send_event", "message") == NULL); /* send_message's */
    CHECK(se_field_next("sinch", "send_sms", NULL) == NULL);
    CHECK(se_field_next("sms", "send_event", NULL) == NULL);
    CHECK(se_field_next(NULL, "send_event", NULL) == NULL);
    /* a row of another operation is no `prev` */
    CHECK(se_field_next("zapi", "send_event", se_field_next("sinch", "send_event", NULL)) == NULL);
}

/* A field comes after the one holding it, once. */
static void test_order(const char *provider, const char *operation) {
    size_t n = 0;
    for (const se_field_info *f = se_field_next(provider, operation, NULL); f;
         f = se_field_next(provider, operation, f), n++) {
        char parent[320];
        snprintf(parent, sizeof parent, "%s", f->path);
        char *cut = strrchr(parent, '.'), *items = strstr(parent, "[]");
        if (items && items[2] == '\0')
            *items = '\0';
        else if (cut)
            *cut = '\0';
        else
            parent[0] = '\0';
        int before = parent[0] == '\0', again = 0;
        for (const se_field_info *g = se_field_next(provider, operation, NULL); g != f;
             g = se_field_next(provider, operation, g)) {
            before |= !strcmp(g->path, parent);
            again |= !strcmp(g->path, f->path);
        }
        CHECK(before && !again);
        CHECK(f->type && f->path[0]);
    }
    CHECK(n > 0);
}

static const char *const config[][9] = {
    {"sinch", "project_id", "P", "key_id", "K", "key_secret", "S", "region", "us"},
    {"zapi", "instance_id", "I", "token", "T", NULL},
    {"connect", "region", "us-east-1", NULL},
};

/* se_validate of the example changed by `edit` must fail naming `name`. */
static void refused(se_client *c, const se_operation_info *o, const char *name, cJSON *req) {
    char *text = cJSON_PrintUnformatted(req);
    se_status st = se_validate(c, o->name, text);
    CHECK_INT(st, SE_E_INVALID);
    if (st == SE_E_INVALID)
        CHECK_HAS(se_client_errmsg(c), name);
    else
        fprintf(stderr, "  %s %s accepted %s\n", o->provider, o->name, text);
    cJSON_free(text);
    cJSON_Delete(req);
}

/* The top-level rows against the validator. */
static void test_fields_are_checked(se_client *c, const se_operation_info *o) {
    for (const se_field_info *f = se_field_next(o->provider, o->name, NULL); f;
         f = se_field_next(o->provider, o->name, f)) {
        if (strchr(f->path, '.') || strchr(f->path, '['))
            continue;
        cJSON *req = cJSON_Parse(o->example);
        if (f->required) { /* left out */
            cJSON_DeleteItemFromObjectCaseSensitive(req, f->path);
            refused(c, o, f->path, req);
            req = cJSON_Parse(o->example);
        }
        if (strcmp(f->type, "any") != 0) { /* a value of another JSON type */
            cJSON *wrong =
                strcmp(f->type, "string") ? cJSON_CreateString("x") : cJSON_CreateNumber(5);
            cJSON_DeleteItemFromObjectCaseSensitive(req, f->path);
            cJSON_AddItemToObject(req, f->path, wrong);
            refused(c, o, f->path, req);
        } else {
            cJSON_Delete(req);
        }
        char misspelled[128];
        snprintf(misspelled, sizeof misspelled, "%s_x", f->path);
        req = cJSON_Parse(o->example);
        cJSON_AddStringToObject(req, misspelled, "x");
        refused(c, o, misspelled, req);
    }
}

static void test_listing_is_validation(void) {
    for (size_t i = 0; i < sizeof config / sizeof config[0]; i++) {
        se_client *c = NULL;
        CHECK_INT(se_client_new(&c, config[i][0]), SE_OK);
        for (size_t k = 1; k < 9 && config[i][k]; k += 2)
            CHECK_INT(se_client_set(c, config[i][k], config[i][k + 1]), SE_OK);
        for (const se_operation_info *o = se_operation_next(config[i][0], NULL); o;
             o = se_operation_next(config[i][0], o)) {
            test_order(o->provider, o->name);
            test_fields_are_checked(c, o);
        }
        se_client_free(c);
    }
}

int main(void) {
    test_known_fields();
    test_listing_is_validation();
    return se_test_summary("listing_fields");
}
