/* providers/sinch/validate.c - Sinch Conversation API: events:send and messages:send. */
#include <stdio.h>
#include <string.h>

#include "checks.h"
#include "validate/rules.h"

SEI_CLOSED_ENUM(queue_enum, "NORMAL_PRIORITY", "HIGH_PRIORITY");
SEI_CLOSED_ENUM(agent_type_enum, "UNKNOWN_AGENT_TYPE", "HUMAN", "BOT");
SEI_CLOSED_ENUM(height_enum, "UNSPECIFIED_HEIGHT", "SHORT", "MEDIUM", "TALL");
SEI_CLOSED_ENUM(strategy_enum, "DEFAULT", "DISPATCH_ONLY");
SEI_CLOSED_ENUM(update_enum, "REPLACE", "MERGE_PATCH");
SEI_CLOSED_ENUM(content_enum, "CONTENT_UNKNOWN", "CONTENT_MARKETING", "CONTENT_NOTIFICATION");

static const sei_rule no_fields[] = {SEI_END};
static const sei_spec empty_strict = {no_fields, 1, NULL, NULL};

/* --- common: recipient, agent, channels ------------------------------------ */

static const sei_rule channel_item = {.type = SEI_V_STRING, .min = 1, .en = &sei_v_channels};

static const sei_rule identity_fields[] = {
    {.name = "channel", .type = SEI_V_STRING, .required = 1, .en = &sei_v_channels},
    SEI_STR("identity", 1),
    SEI_END};
static const sei_spec identity_spec = {identity_fields, 1, NULL, NULL};
static const sei_rule identity_item = SEI_ITEM(&identity_spec);
static const sei_rule identified_by_fields[] = {
    SEI_ARR("channel_identities", 1, 1, 0, &identity_item), SEI_END};
static const sei_spec identified_by_spec = {identified_by_fields, 1, NULL, NULL};
static const char *const RECIPIENT_KINDS[] = {"contact_id", "identified_by", NULL};
static const sei_rule recipient_fields[] = {
    SEI_STRLEN("contact_id", 0, 1, 0), SEI_OBJ("identified_by", 0, &identified_by_spec), SEI_END};
static const sei_spec recipient_spec = {recipient_fields, 1, RECIPIENT_KINDS, NULL};

static const sei_rule agent_fields[] = {SEI_STR("display_name", 1),
                                        SEI_ENUM("type", 1, &agent_type_enum),
                                        SEI_URL("picture_url", 0), SEI_END};
static const sei_spec agent_spec = {agent_fields, 1, NULL, NULL};

/* Fields both operations share, spliced into their top-level tables. */
#define COMMON_FIELDS                                                                              \
    SEI_STR("app_id", 1), SEI_OBJ("recipient", 1, &recipient_spec), SEI_URL("callback_url", 0),    \
        SEI_ARR("channel_priority_order", 0, 0, 0, &channel_item),                                 \
        SEI_ENUM("queue", 0, &queue_enum)

/* --- events:send ------------------------------------------------------------ */

static const sei_rule comment_fields[] = {SEI_STR("text", 1), SEI_END};
static const sei_spec comment_spec = {comment_fields, 1, NULL, NULL};
static const sei_rule agent_event_fields[] = {SEI_OBJ("agent", 1, &agent_spec), SEI_END};
static const sei_spec agent_event_spec = {agent_event_fields, 1, NULL, NULL};
static const sei_rule generic_fields[] = {{.name = "payload", .type = SEI_V_OBJECT, .required = 1},
                                          SEI_END};
static const sei_spec generic_spec = {generic_fields, 1, NULL, NULL};

static const char *const EVENT_KINDS[] = {"composing_event",
                                          "composing_end_event",
                                          "comment_reply_event",
                                          "agent_joined_event",
                                          "agent_left_event",
                                          "generic_event",
                                          NULL};
static const sei_rule event_kind_fields[] = {SEI_OBJ("composing_event", 0, &empty_strict),
                                             SEI_OBJ("composing_end_event", 0, &empty_strict),
                                             SEI_OBJ("comment_reply_event", 0, &comment_spec),
                                             SEI_OBJ("agent_joined_event", 0, &agent_event_spec),
                                             SEI_OBJ("agent_left_event", 0, &agent_event_spec),
                                             SEI_OBJ("generic_event", 0, &generic_spec),
                                             SEI_END};
static const sei_spec event_kinds_spec = {event_kind_fields, 1, EVENT_KINDS, NULL};

/* `event` is either {<kind>: ...} or the seed's {"app_event": {<kind>: ...}}. */
static se_status check_event(cJSON *ev, const char *path, const void *arg, sei_diag *d) {
    char sub[SEI_V_PATH_MAX];
    cJSON *app = cJSON_GetObjectItemCaseSensitive(ev, "app_event");
    (void)arg;
    if (!app)
        return sei_v_object(ev, path, &event_kinds_spec, d);
    sei_v_path_field(sub, path, "app_event");
    for (cJSON *c = ev->child; c; c = c->next) {
        if (c == app)
            continue;
        if (c->string && strcmp(c->string, "app_event") == 0)
            return sei_diag_fail(d, "%s: duplicate field", sub);
        sei_v_path_field(sub, path, c->string);
        return sei_diag_fail(d,
                             "%s: not allowed beside app_event (give the event kind inside "
                             "app_event or without it, not both)",
                             sub);
    }
    return sei_v_object(app, sub, &event_kinds_spec, d);
}

static se_status check_event_request(cJSON *req, const char *path, const void *arg, sei_diag *d) {
    cJSON *order = cJSON_GetObjectItemCaseSensitive(req, "channel_priority_order");
    int n = cJSON_GetArraySize(order);
    (void)path;
    (void)arg;
    if (n > 1)
        sei_diag_warn(
            d, "channel_priority_order: events:send uses only the first channel, %d given", n);
    return SE_OK;
}

static const sei_rule event_kinds = SEI_OBJ("event", 1, &event_kinds_spec);
static const sei_rule send_event_fields[] = {COMMON_FIELDS,
                                             {.name = "event",
                                              .type = SEI_V_OBJECT,
                                              .required = 1,
                                              .check = check_event,
                                              .list_as = &event_kinds},
                                             SEI_STR("event_metadata", 0),
                                             SEI_END};
const sei_spec sei_sinch_send_event_spec = {send_event_fields, 1, NULL, check_event_request};

/* The API expects the unwrapped form: move app_event's members up into event. */
static void unwrap_app_event(cJSON *req, sei_diag *d) {
    cJSON *ev = cJSON_GetObjectItemCaseSensitive(req, "event");
    cJSON *app = cJSON_DetachItemFromObjectCaseSensitive(ev, "app_event");
    if (!app)
        return;
    ev->child = app->child; /* ev was left empty: app_event had no siblings */
    d->rewritten = true;
    app->child = NULL;
    cJSON_Delete(app);
}

se_status sei_check_sinch_send_event(cJSON *req, sei_diag *d) {
    se_status rc = sei_v_request(req, &sei_sinch_send_event_spec, d);
    if (rc == SE_OK)
        unwrap_app_event(req, d);
    return rc;
}

/* --- messages:send: the message kinds ----------------------------------------
 * Message kinds are not strict: the table names every documented field, and
 * fields the provider adds later pass through unchecked. */

static const sei_rule text_fields[] = {SEI_STR("text", 1), SEI_END};
static const sei_spec text_spec = {text_fields, 0, NULL, NULL};

static const sei_rule media_fields[] = {SEI_URL("url", 1), SEI_URL("thumbnail_url", 0),
                                        SEI_STR("filename_override", 0), SEI_END};
static const sei_spec media_spec = {media_fields, 0, NULL, NULL};

static const double LATITUDE[2] = {-90, 90}, LONGITUDE[2] = {-180, 180};
static const sei_rule coordinate_fields[] = {{.name = "latitude",
                                              .type = SEI_V_NUMBER,
                                              .required = 1,
                                              .check = sei_v_range,
                                              .arg = LATITUDE},
                                             {.name = "longitude",
                                              .type = SEI_V_NUMBER,
                                              .required = 1,
                                              .check = sei_v_range,
                                              .arg = LONGITUDE},
                                             SEI_END};
static const sei_spec coordinate_spec = {coordinate_fields, 0, NULL, NULL};
static const sei_rule location_fields[] = {SEI_OBJ("coordinates", 1, &coordinate_spec),
                                           SEI_STR("title", 1), SEI_STR("label", 0), SEI_END};
static const sei_spec location_spec = {location_fields, 0, NULL, NULL};

static const sei_rule url_message_fields[] = {SEI_STR("title", 1), SEI_STR("url", 1), SEI_END};
static const sei_spec url_message_spec = {url_message_fields, 0, NULL, NULL};
static const sei_rule call_message_fields[] = {SEI_STR("phone_number", 1), SEI_STR("title", 1),
                                               SEI_END};
static const sei_spec call_message_spec = {call_message_fields, 0, NULL, NULL};

static const char *const CHOICE_KINDS[] = {
    "text_message",           "url_message", "call_message", "location_message", "calendar_message",
    "share_location_message", NULL};
static const sei_rule choice_fields[] = {SEI_OBJ("text_message", 0, &text_spec),
                                         SEI_OBJ("url_message", 0, &url_message_spec),
                                         SEI_OBJ("call_message", 0, &call_message_spec),
                                         SEI_OBJ("location_message", 0, &location_spec),
                                         {.name = "calendar_message", .type = SEI_V_OBJECT},
                                         {.name = "share_location_message", .type = SEI_V_OBJECT},
                                         SEI_STR("postback_data", 0),
                                         SEI_END};
static const sei_spec choice_spec = {choice_fields, 0, CHOICE_KINDS, NULL};
static const sei_rule choice_item = SEI_ITEM(&choice_spec);

static const sei_rule choice_message_fields[] = {SEI_ARR("choices", 1, 1, 10, &choice_item),
                                                 SEI_OBJ("text_message", 0, &text_spec), SEI_END};
static const sei_spec choice_message_spec = {choice_message_fields, 0, NULL, NULL};

static const sei_rule card_fields[] = {SEI_STR("title", 0),
                                       SEI_STR("description", 0),
                                       SEI_OBJ("media_message", 0, &media_spec),
                                       SEI_ENUM("height", 0, &height_enum),
                                       SEI_ARR("choices", 0, 0, 10, &choice_item),
                                       SEI_END};
static const sei_spec card_spec = {card_fields, 0, NULL, NULL};
static const sei_rule card_item = SEI_ITEM(&card_spec);

static const sei_rule carousel_fields[] = {SEI_ARR("cards", 1, 1, 10, &card_item),
                                           SEI_ARR("choices", 0, 0, 3, &choice_item), SEI_END};
static const sei_spec carousel_spec = {carousel_fields, 0, NULL, NULL};

static se_status check_date(cJSON *v, const char *path, const void *arg, sei_diag *d) {
    (void)arg;
    if (sei_v_date_prefix(v->valuestring) == 10 && v->valuestring[10] == '\0')
        return SE_OK;
    return sei_diag_fail(d, "%s: must be a real date written YYYY-MM-DD", path);
}

static const sei_rule any_object = {.type = SEI_V_OBJECT};
static const sei_rule name_fields[] = {SEI_STR("full_name", 1), SEI_END};
static const sei_spec name_spec = {name_fields, 0, NULL, NULL};
static const sei_rule phone_fields[] = {SEI_STR("phone_number", 1), SEI_END};
static const sei_spec phone_spec = {phone_fields, 0, NULL, NULL};
static const sei_rule phone_item = SEI_ITEM(&phone_spec);
static const sei_rule contact_info_fields[] = {
    SEI_OBJ("name", 1, &name_spec),
    SEI_ARR("phone_numbers", 1, 1, 0, &phone_item),
    SEI_ARR("addresses", 0, 0, 0, &any_object),
    SEI_ARR("emails", 0, 0, 0, &any_object),
    SEI_ARR("email_addresses", 0, 0, 0, &any_object), /* the API's own name for emails */
    {.name = "organization", .type = SEI_V_OBJECT},
    SEI_ARR("urls", 0, 0, 0, &any_object),
    {.name = "birthday", .type = SEI_V_STRING, .check = check_date},
    SEI_END};
static const sei_spec contact_info_spec = {contact_info_fields, 0, NULL, NULL};

static const sei_rule list_choice_fields[] = {SEI_STR("title", 1), SEI_END};
static const sei_spec list_choice_spec = {list_choice_fields, 0, NULL, NULL};
static const sei_rule product_fields[] = {SEI_STR("id", 1), SEI_STR("marketplace", 1), SEI_END};
static const sei_spec product_spec = {product_fields, 0, NULL, NULL};
static const char *const LIST_ITEM_KINDS[] = {"choice", "product", NULL};
static const sei_rule list_item_fields[] = {SEI_OBJ("choice", 0, &list_choice_spec),
                                            SEI_OBJ("product", 0, &product_spec), SEI_END};
static const sei_spec list_item_spec = {list_item_fields, 0, LIST_ITEM_KINDS, NULL};
static const sei_rule list_item = SEI_ITEM(&list_item_spec);
static const sei_rule section_fields[] = {SEI_STR("title", 0),
                                          SEI_ARR("items", 1, 1, 0, &list_item), SEI_END};
static const sei_spec section_spec = {section_fields, 0, NULL, NULL};
static const sei_rule section_item = SEI_ITEM(&section_spec);

/* Items are all choices or all products, across every section. */
static se_status check_list_kinds(cJSON *list, const char *path, const void *arg, sei_diag *d) {
    const char *first = NULL;
    cJSON *sections = cJSON_GetObjectItemCaseSensitive(list, "sections"), *s, *it;
    int i = 0;
    (void)arg;
    cJSON_ArrayForEach(s, sections) {
        int j = 0;
        cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(s, "items")) {
            const char *kind =
                cJSON_GetObjectItemCaseSensitive(it, "choice") ? "choice" : "product";
            if (!first)
                first = kind;
            else if (strcmp(first, kind) != 0)
                return sei_diag_fail(d,
                                     "%s.sections[%d].items[%d]: items must be all choice or all "
                                     "product, got %s after %s",
                                     path, i, j, kind, first);
            j++;
        }
        i++;
    }
    return SE_OK;
}

static const sei_rule list_fields[] = {SEI_STR("title", 1), SEI_STR("description", 0),
                                       SEI_ARR("sections", 1, 1, 0, &section_item), SEI_END};
static const sei_spec list_spec = {list_fields, 0, NULL, check_list_kinds};

static const sei_rule parameter_value = {.type = SEI_V_STRING};
#define TEMPLATE_FIELDS(version_required)                                                          \
    SEI_STR("template_id", 1), SEI_STR("version", version_required), SEI_STR("language_code", 0),  \
        {.name = "parameters", .type = SEI_V_OBJECT, .check = sei_v_map, .arg = &parameter_value}, \
        SEI_END
static const sei_rule omni_template_fields[] = {TEMPLATE_FIELDS(1)};
static const sei_spec omni_template_spec = {omni_template_fields, 0, NULL, NULL};
static const sei_rule channel_template_fields[] = {TEMPLATE_FIELDS(0)};
static const sei_spec channel_template_spec = {channel_template_fields, 0, NULL, NULL};
static const sei_rule channel_template_value = SEI_ITEM(&channel_template_spec);
static const char *const TEMPLATE_KINDS[] = {"omni_template", "channel_template", NULL};
static const sei_rule template_fields[] = {SEI_OBJ("omni_template", 0, &omni_template_spec),
                                           {.name = "channel_template",
                                            .type = SEI_V_OBJECT,
                                            .check = sei_v_channel_map,
                                            .arg = &channel_template_value},
                                           SEI_END};
static const sei_spec template_spec = {template_fields, 0, TEMPLATE_KINDS, NULL};

/* --- messages:send: the message and the request ------------------------------ */

static const char *const BODY_KINDS[] = {"text_message",         "media_message",
                                         "choice_message",       "card_message",
                                         "carousel_message",     "location_message",
                                         "contact_info_message", "list_message",
                                         "template_message",     NULL};
static const sei_rule string_value = {.type = SEI_V_STRING};
#define CHANNEL_MAP(n, value)                                                                      \
    { .name = (n), .type = SEI_V_OBJECT, .check = sei_v_channel_map, .arg = (value) }
static const sei_rule message_fields[] = {SEI_OBJ("text_message", 0, &text_spec),
                                          SEI_OBJ("media_message", 0, &media_spec),
                                          SEI_OBJ("choice_message", 0, &choice_message_spec),
                                          SEI_OBJ("card_message", 0, &card_spec),
                                          SEI_OBJ("carousel_message", 0, &carousel_spec),
                                          SEI_OBJ("location_message", 0, &location_spec),
                                          SEI_OBJ("contact_info_message", 0, &contact_info_spec),
                                          SEI_OBJ("list_message", 0, &list_spec),
                                          SEI_OBJ("template_message", 0, &template_spec),
                                          CHANNEL_MAP("explicit_channel_message", &string_value),
                                          CHANNEL_MAP("explicit_channel_omni_message", &any_object),
                                          CHANNEL_MAP("channel_specific_message", &any_object),
                                          SEI_OBJ("agent", 0, &agent_spec),
                                          SEI_END};
static const sei_spec message_spec = {message_fields, 1, BODY_KINDS, NULL};

#define TTL_MAX 315576000000ULL

static se_status ttl_range(const char *path, const char *given, sei_diag *d) {
    return sei_diag_fail(d, "%s: must be 3..%llu seconds, got %s", path, TTL_MAX, given);
}

/* "<n>s" or an integer n, n in 3..315576000000. */
static se_status check_ttl(cJSON *v, const char *path, const void *arg, sei_diag *d) {
    char given[48];
    (void)arg;
    if (cJSON_IsNumber(v)) {
        double x = v->valuedouble;
        snprintf(given, sizeof given, "%.15g", x);
        if (!(x >= 3 && x <= (double)TTL_MAX)) /* also refuses NaN */
            return ttl_range(path, given, d);
        if ((double)(unsigned long long)x != x)
            return sei_diag_fail(d, "%s: must be a whole number of seconds, got %s", path, given);
        return SE_OK;
    }
    if (!cJSON_IsString(v))
        return sei_diag_fail(d, "%s: must be a string or an integer, got %s", path,
                             sei_json_type_name(v));
    const char *s = v->valuestring;
    size_t digits = sei_v_span_digits(s);
    if (digits == 0 || strcmp(s + digits, "s") != 0)
        return sei_diag_fail(d, "%s: must be whole seconds written \"<n>s\" (e.g. \"10s\")", path);
    unsigned long long n = 0;
    for (size_t i = 0; i < digits && n <= TTL_MAX; i++) /* stops early: no overflow */
        n = n * 10 + (unsigned long long)(s[i] - '0');
    if (n < 3 || n > TTL_MAX)
        return ttl_range(path, sei_v_show(given, sizeof given, s), d);
    return SE_OK;
}

/* The provider limits the serialized object, not the number of keys. */
static se_status check_conversation_metadata(cJSON *v, const char *path, const void *arg,
                                             sei_diag *d) {
    char *text = cJSON_PrintUnformatted(v);
    (void)arg;
    if (!text) {
        sei_diag_fail(d, "%s: out of memory while measuring", path);
        return SE_E_NOMEM;
    }
    size_t n = sei_v_utf8_len(text);
    cJSON_free(text);
    if (n > 2048)
        return sei_diag_fail(d, "%s: at most 2048 characters when serialized, got %zu", path, n);
    return SE_OK;
}

static const sei_rule property_value = {.type = SEI_V_STRING, .max = 1024};
static const sei_rule send_message_fields[] = {
    COMMON_FIELDS,
    SEI_OBJ("message", 1, &message_spec),
    {.name = "channel_properties",
     .type = SEI_V_OBJECT,
     .check = sei_v_map,
     .arg = &property_value},
    SEI_STRLEN("message_metadata", 0, 0, 1024),
    {.name = "conversation_metadata", .type = SEI_V_OBJECT, .check = check_conversation_metadata},
    {.name = "ttl", .type = SEI_V_ANY, .check = check_ttl},
    SEI_ENUM("processing_strategy", 0, &strategy_enum),
    SEI_STRLEN("correlation_id", 0, 0, 128),
    SEI_ENUM("conversation_metadata_update_strategy", 0, &update_enum),
    SEI_ENUM("message_content_type", 0, &content_enum),
    SEI_END};
const sei_spec sei_sinch_send_message_spec = {send_message_fields, 1, NULL, NULL};

/* An integer ttl becomes the string "<n>s" the API expects; the new item takes
 * over the old one's key, so nothing but the string is allocated. */
static se_status normalize_ttl(cJSON *req, sei_diag *d) {
    char buf[32];
    cJSON *old = cJSON_GetObjectItemCaseSensitive(req, "ttl"), *s;
    if (!cJSON_IsNumber(old))
        return SE_OK;
    snprintf(buf, sizeof buf, "%llus", (unsigned long long)old->valuedouble);
    if (!(s = cJSON_CreateString(buf))) {
        sei_diag_fail(d, "ttl: out of memory while normalizing");
        return SE_E_NOMEM;
    }
    s->string = old->string;
    s->type |= old->type & cJSON_StringIsConst;
    old->string = NULL;
    cJSON_ReplaceItemViaPointer(req, old, s);
    d->rewritten = true;
    return SE_OK;
}

se_status sei_check_sinch_send_message(cJSON *req, sei_diag *d) {
    se_status rc = sei_v_request(req, &sei_sinch_send_message_spec, d);
    if (rc == SE_OK)
        rc = normalize_ttl(req, d);
    return rc;
}
