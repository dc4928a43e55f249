/*
 * validate/rules.h - small reusable checkers behind validate.h.
 *
 * An object is described by a table of field rules (sei_rule) grouped in a
 * spec (sei_spec); sei_v_object() walks one: duplicate keys, unknown fields
 * (strict specs), an exactly-one-of group, then every field's JSON type,
 * length, enum and deeper check, and last the spec's whole-object rule.
 * Every message is "<dotted.path>: <rule>" and goes through sei_diag_fail().
 * Checkers return SE_OK, SE_E_INVALID or SE_E_NOMEM.
 */
#ifndef SEI_VALIDATE_RULES_H
#define SEI_VALIDATE_RULES_H

#include <cjson/cJSON.h>
#include <stddef.h>

#include "diag.h"

#define SEI_V_PATH_MAX 320
#define SEI_V_MAX_FIELDS 64 /* rules of a spec matched in one pass over its object */

typedef enum sei_vtype {
    SEI_V_ANY = 0, /* any JSON type: the check function decides */
    SEI_V_STRING,
    SEI_V_NUMBER,
    SEI_V_BOOL,
    SEI_V_OBJECT,
    SEI_V_ARRAY
} sei_vtype;

/* A deeper rule for one value; `arg` is the rule's own argument. */
typedef se_status (*sei_check_fn)(cJSON *v, const char *path, const void *arg, sei_diag *d);

/* A set of string values. Closed (noun NULL): anything else is an error.
 * Open (noun e.g. "channel"): anything else is a warning, sent as given. */
typedef struct sei_enum {
    const char *const *values; /* NULL-terminated */
    const char *noun;
} sei_enum;

/* Defines `static const sei_enum name`, closed, over the listed strings. */
#define SEI_CLOSED_ENUM(name, ...)                                                                 \
    static const char *const name##_values[] = {__VA_ARGS__, NULL};                                \
    static const sei_enum name = {name##_values, NULL}

typedef struct sei_rule {
    const char *name; /* field name; NULL ends a table */
    sei_vtype type;
    int required; /* a required string must also be non-empty */
    size_t min;   /* characters of a string, items of an array */
    size_t max;   /* 0: no upper limit */
    const sei_enum *en;
    sei_check_fn check; /* run after type, length and enum passed */
    const void *arg;
    /* For the listing of fields (sendevent/listing.h) when `check` is the
     * provider's own: the rule whose check (sei_v_spec, sei_v_each, sei_v_map
     * or sei_v_channel_map) and arg describe the value's members or items. */
    const struct sei_rule *list_as;
} sei_rule;

typedef struct sei_spec {
    const sei_rule *fields;
    int strict;                /* unknown fields are errors */
    const char *const *one_of; /* exactly one of these fields; NULL-terminated */
    sei_check_fn extra;        /* whole-object rule, run last; arg is NULL */
} sei_spec;

/* Characters refused in ids and tokens; control characters always are. */
typedef struct sei_chars {
    int no_space;          /* whitespace refused */
    const char *forbidden; /* further refused characters, e.g. "/?#" */
} sei_chars;

/* Shorthands for rule tables (req: 1 required, 0 optional). */
#define SEI_END                                                                                    \
    { .name = NULL }
#define SEI_STR(n, req)                                                                            \
    { .name = (n), .type = SEI_V_STRING, .required = (req) }
#define SEI_STRLEN(n, req, lo, hi)                                                                 \
    { .name = (n), .type = SEI_V_STRING, .required = (req), .min = (lo), .max = (hi) }
#define SEI_ENUM(n, req, e)                                                                        \
    { .name = (n), .type = SEI_V_STRING, .required = (req), .en = (e) }
#define SEI_BOOL(n)                                                                                \
    { .name = (n), .type = SEI_V_BOOL }
#define SEI_URL(n, req)                                                                            \
    { .name = (n), .type = SEI_V_STRING, .required = (req), .check = sei_v_url }
#define SEI_OBJ(n, req, spec)                                                                      \
    { .name = (n), .type = SEI_V_OBJECT, .required = (req), .check = sei_v_spec, .arg = (spec) }
#define SEI_ARR(n, req, lo, hi, elem)                                                              \
    {                                                                                              \
        .name = (n), .type = SEI_V_ARRAY, .required = (req), .min = (lo), .max = (hi),             \
        .check = sei_v_each, .arg = (elem)                                                         \
    }
/* An array element or map value that is an object described by spec. */
#define SEI_ITEM(spec)                                                                             \
    { .type = SEI_V_OBJECT, .check = sei_v_spec, .arg = (spec) }

/* The checkers. As sei_rule.check they take: sei_v_spec a sei_spec (nested
 * object), sei_v_each a sei_rule (every array element), sei_v_map a sei_rule
 * (every member value, any key), sei_v_channel_map a sei_rule (every member
 * value, keys are channels of the open enum `sei_v_channels`). */
se_status sei_v_object(cJSON *obj, const char *path, const sei_spec *spec, sei_diag *d);
se_status sei_v_value(cJSON *v, const char *path, const sei_rule *r, sei_diag *d);
se_status sei_v_spec(cJSON *v, const char *path, const void *spec, sei_diag *d);
se_status sei_v_each(cJSON *v, const char *path, const void *rule, sei_diag *d);
se_status sei_v_map(cJSON *v, const char *path, const void *rule, sei_diag *d);
se_status sei_v_channel_map(cJSON *v, const char *path, const void *rule, sei_diag *d);
/* http:// or https:// URL with a host (arg unused). */
se_status sei_v_url(cJSON *v, const char *path, const void *arg, sei_diag *d);
/* Number within the inclusive range arg = (const double[2]){lo, hi}. */
se_status sei_v_range(cJSON *v, const char *path, const void *arg, sei_diag *d);
/* A string that travels in a URL or a header: arg = a sei_chars. */
se_status sei_v_chars(cJSON *v, const char *path, const void *arg, sei_diag *d);

/* "exactly one of a, b is required, got none|both|x and y". */
se_status sei_v_one_of(cJSON *obj, const char *path, const char *const *names, sei_diag *d);
/* The request root must be an object described by spec. */
se_status sei_v_request(cJSON *req, const sei_spec *spec, sei_diag *d);
/* Checks a string against an enum: warns (open) or fails (closed). */
se_status sei_v_enum(const char *s, const char *path, const sei_enum *en, sei_diag *d);

/* Channels of the Sinch Conversation API (open enum). */
extern const sei_enum sei_v_channels;

/* Helpers. */
const char *sei_json_type_name(const cJSON *item); /* util.c: "string", "object", ... */
size_t sei_v_utf8_len(const char *s);
void sei_v_path_field(char *buf, const char *parent, const char *name);
void sei_v_path_index(char *buf, const char *parent, int index);
/* A user string made safe to quote: control characters become '?', long
 * values are cut with "...". Never used for secrets. */
const char *sei_v_show(char *buf, size_t n, const char *s);
/* Parses "YYYY-MM-DD" (a real Gregorian date) at the start of s; returns
 * the number of characters read (10) or 0. */
size_t sei_v_date_prefix(const char *s);
/* Parses exactly n decimal digits into *out; returns 1 on success. */
int sei_v_digits(const char *s, size_t n, unsigned *out);
/* Number of leading ASCII digits. */
size_t sei_v_span_digits(const char *s);

#endif
