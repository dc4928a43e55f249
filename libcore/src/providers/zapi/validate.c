/* providers/zapi/validate.c - Z-API: send-event, send-edit-event, send-event-response,
 * send-text. */
#include <string.h>

#include "checks.h"
#include "validate/rules.h"

SEI_CLOSED_ENUM(call_link_enum, "voice", "video");
SEI_CLOSED_ENUM(response_enum, "GOING", "NOT_GOING");

/* Ids end up in a URL or body: no separators, whitespace or control characters. */
static const sei_chars id_chars = {1, "/?#"};

typedef enum { ID_BAD, ID_PHONE, ID_GROUP, ID_LID, ID_CHANNEL } id_kind;

static id_kind classify(const char *s) {
    size_t n = sei_v_span_digits(s);
    const char *rest = s + n;
    if (*rest == '\0')
        return n >= 10 && n <= 15 ? ID_PHONE : ID_BAD;
    if (n > 0 && strcmp(rest, "-group") == 0)
        return ID_GROUP;
    if (n >= 10 && n <= 15 && rest[0] == '-') { /* older groups: <phone>-<unix time> */
        size_t t = sei_v_span_digits(rest + 1);
        return t > 0 && t <= 13 && rest[1 + t] == '\0' ? ID_GROUP : ID_BAD;
    }
    if (n > 0 && strcmp(rest, "@lid") == 0)
        return ID_LID;
    const char *at = strchr(s, '@');
    if (at && at != s && strcmp(at, "@newsletter") == 0)
        return ID_CHANNEL;
    return ID_BAD;
}

static se_status check_phone(cJSON *v, const char *path, const void *arg, sei_diag *d) {
    static const char *const names[] = {"", "a phone number", "", "a LID", "a channel"};
    se_status rc = sei_v_chars(v, path, arg, d);
    if (rc != SE_OK)
        return rc;
    id_kind kind = classify(v->valuestring);
    if (kind == ID_BAD)
        return sei_diag_fail(d,
                             "%s: must be a phone number (10..15 digits, no '+' or formatting), a "
                             "group id (<digits>-group or <phone>-<unix time>), a LID "
                             "(<digits>@lid) or a channel (<id>@newsletter)",
                             path);
    if (kind != ID_GROUP)
        return sei_diag_fail(d,
                             "%s: events can only be sent to groups (<digits>-group or "
                             "<phone>-<unix time>), got %s",
                             path, names[kind]);
    return SE_OK;
}

/* send-text goes to a contact, a group or a LID (not a channel). */
static se_status check_text_phone(cJSON *v, const char *path, const void *arg, sei_diag *d) {
    se_status rc = sei_v_chars(v, path, arg, d);
    if (rc != SE_OK)
        return rc;
    id_kind kind = classify(v->valuestring);
    if (kind == ID_BAD || kind == ID_CHANNEL)
        return sei_diag_fail(d,
                             "%s: must be a phone number (10..15 digits, no '+' or formatting), a "
                             "group id (<digits>-group or <phone>-<unix time>) or a LID "
                             "(<digits>@lid)",
                             path);
    return SE_OK;
}

/* delayMessage, delayTyping: whole seconds, 1..15. */
static se_status check_delay(cJSON *v, const char *path, const void *arg, sei_diag *d) {
    double x = v->valuedouble;
    (void)arg;
    if (!(x >= 1 && x <= 15) || x != (double)(long)x)
        return sei_diag_fail(d, "%s: must be a whole number of seconds between 1 and 15, got %g",
                             path, x);
    return SE_OK;
}

/* HH:MM with HH <= max_hour; returns characters read (5) or 0. */
static size_t hour_minute(const char *s, unsigned max_hour) {
    unsigned h, m;
    return sei_v_digits(s, 2, &h) && s[2] == ':' && sei_v_digits(s + 3, 2, &m) && h <= max_hour &&
                   m <= 59
               ? 5
               : 0;
}

/* YYYY-MM-DDTHH:MM[:SS[.fraction]][Z|+HH:MM|-HH:MM], a real date and time. */
static int iso_datetime(const char *s) {
    size_t n = sei_v_date_prefix(s);
    unsigned sec;
    if (!n || s[n] != 'T' || !hour_minute(s + n + 1, 23))
        return 0;
    s += n + 6;
    if (*s == ':') {
        if (!sei_v_digits(s + 1, 2, &sec) || sec > 59)
            return 0;
        s += 3;
        if (*s == '.') {
            size_t f = sei_v_span_digits(s + 1);
            if (f == 0)
                return 0;
            s += 1 + f;
        }
    }
    if (*s == 'Z')
        s++;
    else if (*s == '+' || *s == '-')
        s += hour_minute(s + 1, 23) ? 6 : 0;
    return *s == '\0';
}

static se_status check_datetime(cJSON *v, const char *path, const void *arg, sei_diag *d) {
    char shown[80];
    (void)arg;
    if (iso_datetime(v->valuestring))
        return SE_OK;
    return sei_diag_fail(d,
                         "%s: must be an ISO-8601 date and time "
                         "YYYY-MM-DDTHH:MM[:SS[.fraction]][Z|+HH:MM], got \"%s\"",
                         path, sei_v_show(shown, sizeof shown, v->valuestring));
}

/* "UTC", "UTC-3", "UTC+5:30": hours 0..14, minutes 00..59. */
static se_status check_time_zone(cJSON *v, const char *path, const void *arg, sei_diag *d) {
    const char *s = v->valuestring;
    char shown[80];
    unsigned h = 0, m = 0;
    (void)arg;
    if (strncmp(s, "UTC", 3) == 0) {
        s += 3;
        if (*s == '\0')
            return SE_OK;
        size_t hd = (*s == '+' || *s == '-') ? sei_v_span_digits(s + 1) : 0;
        if (hd >= 1 && hd <= 2 && sei_v_digits(s + 1, hd, &h) && h <= 14) {
            s += 1 + hd;
            if (*s == ':' && sei_v_span_digits(s + 1) == 2 && sei_v_digits(s + 1, 2, &m) && m <= 59)
                s += 3;
            if (*s == '\0')
                return SE_OK;
        }
    }
    return sei_diag_fail(d, "%s: must be UTC or an offset like UTC-3 or UTC+5:30, got \"%s\"", path,
                         sei_v_show(shown, sizeof shown, v->valuestring));
}

static const sei_rule location_fields[] = {SEI_STR("name", 1), SEI_END};
static const sei_spec location_spec = {location_fields, 1, NULL, NULL};
static const sei_rule event_fields[] = {
    SEI_STR("name", 1),
    {.name = "dateTime", .type = SEI_V_STRING, .required = 1, .check = check_datetime},
    SEI_STR("description", 0),
    {.name = "timeZone", .type = SEI_V_STRING, .check = check_time_zone},
    SEI_OBJ("location", 0, &location_spec),
    SEI_ENUM("callLinkType", 0, &call_link_enum),
    SEI_BOOL("canceled"),
    SEI_END};
static const sei_spec event_spec = {event_fields, 1, NULL, NULL};

#define PHONE                                                                                      \
    { .name = "phone", .type = SEI_V_STRING, .required = 1, .check = check_phone, .arg = &id_chars }
#define EVENT_MESSAGE_ID                                                                           \
    {                                                                                              \
        .name = "eventMessageId", .type = SEI_V_STRING, .required = 1, .check = sei_v_chars,       \
        .arg = &id_chars                                                                           \
    }

static const sei_rule send_fields[] = {PHONE, SEI_OBJ("event", 1, &event_spec), SEI_END};
const sei_spec sei_zapi_send_event_spec = {send_fields, 1, NULL, NULL};
/* An edit replaces the event: fields left out are dropped, so the same rules apply. */
static const sei_rule edit_fields[] = {PHONE, EVENT_MESSAGE_ID, SEI_OBJ("event", 1, &event_spec),
                                       SEI_END};
const sei_spec sei_zapi_edit_event_spec = {edit_fields, 1, NULL, NULL};
static const sei_rule respond_fields[] = {PHONE, EVENT_MESSAGE_ID,
                                          SEI_ENUM("eventResponse", 1, &response_enum), SEI_END};
const sei_spec sei_zapi_respond_event_spec = {respond_fields, 1, NULL, NULL};

#define DELAY(n)                                                                                   \
    { .name = (n), .type = SEI_V_NUMBER, .check = check_delay }
#define MESSAGE_ID(n)                                                                              \
    { .name = (n), .type = SEI_V_STRING, .min = 1, .check = sei_v_chars, .arg = &id_chars }
static const sei_rule text_fields[] = {{.name = "phone",
                                        .type = SEI_V_STRING,
                                        .required = 1,
                                        .check = check_text_phone,
                                        .arg = &id_chars},
                                       SEI_STR("message", 1),
                                       DELAY("delayMessage"),
                                       DELAY("delayTyping"),
                                       MESSAGE_ID("editMessageId"),
                                       MESSAGE_ID("messageId"),
                                       SEI_END};
const sei_spec sei_zapi_send_message_spec = {text_fields, 1, NULL, NULL};

se_status sei_check_zapi_send_event(cJSON *req, sei_diag *d) {
    return sei_v_request(req, &sei_zapi_send_event_spec, d);
}

se_status sei_check_zapi_edit_event(cJSON *req, sei_diag *d) {
    return sei_v_request(req, &sei_zapi_edit_event_spec, d);
}

se_status sei_check_zapi_respond_event(cJSON *req, sei_diag *d) {
    return sei_v_request(req, &sei_zapi_respond_event_spec, d);
}

se_status sei_check_zapi_send_message(cJSON *req, sei_diag *d) {
    return sei_v_request(req, &sei_zapi_send_message_spec, d);
}
