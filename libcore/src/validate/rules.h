/*
 * validate/rules.h - small reusable checkers behind validate.h.
 *
 * An object is described by a table of field rules (se_rule) grouped in a
 * spec (se_spec); se_v_object() walks one: duplicate keys, unknown fields
 * (strict specs), an exactly-one-of group, then every field's JSON type,
 * length, enum and deeper check, and last the spec's whole-object rule.
 * Every message is "<dotted.path>: <rule>" and goes through se_diag_fail().
 * Checkers return SE_OK, SE_E_INVALID or SE_E_NOMEM.
 */
#ifndef SE_VALIDATE_RULES_H
#define SE_VALIDATE_RULES_H

#include <cjson/cJSON.h>
#include <stddef.h>

#include "diag.h"

#define SE_V_PATH_MAX 320
#define SE_V_MAX_FIELDS 64 /* rules of a spec matched in one pass over its object */

typedef enum se_vtype {
    SE_V_ANY = 0, /* any JSON type: the check function decides */
    SE_V_STRING,
    SE_V_NUMBER,
    SE_V_BOOL,
    SE_V_OBJECT,
    SE_V_ARRAY
} se_vtype;

/* A deeper rule for one value; `arg` is the rule's own argument. */
typedef se_status (*se_check_fn)(cJSON *v, const char *path, const void *arg, se_diag *d);

/* A set of string values. Closed (noun NULL): anything else is an error.
 * Open (noun e.g. "channel"): anything else is a warning, sent as given. */
typedef struct se_enum {
    const char *const *values; /* NULL-terminated */
    const char *noun;
} se_enum;

/* Defines `static const se_enum name`, closed, over the listed strings. */
#define SE_CLOSED_ENUM(name, ...)                                                                  \
    static const char *const name##_values[] = {__VA_ARGS__, NULL};                                \
    static const se_enum name = {name##_values, NULL}

typedef struct se_rule {
    const char *name; /* field name; NULL ends a table */
    se_vtype type;
    int required; /* a required string must also be non-empty */
    size_t min;   /* characters of a string, items of an array */
    size_t max;   /* 0: no upper limit */
    const se_enum *en;
    se_check_fn check; /* run after type, length and enum passed */
    const void *arg;
} se_rule;

typedef struct se_spec {
    const se_rule *fields;
    int strict;                /* unknown fields are errors */
    const char *const *one_of; /* exactly one of these fields; NULL-terminated */
    se_check_fn extra;         /* whole-object rule, run last; arg is NULL */
} se_spec;

/* Characters refused in ids and tokens; control characters always are. */
typedef struct se_chars {
    int no_space;          /* whitespace refused */
    const char *forbidden; /* further refused characters, e.g. "/?#" */
} se_chars;

/* Shorthands for rule tables (req: 1 required, 0 optional). */
#define SE_END                                                                                     \
    { .name = NULL }
#define SE_STR(n, req)                                                                             \
    { .name = (n), .type = SE_V_STRING, .required = (req) }
#define SE_STRLEN(n, req, lo, hi)                                                                  \
    { .name = (n), .type = SE_V_STRING, .required = (req), .min = (lo), .max = (hi) }
#define SE_ENUM(n, req, e)                                                                         \
    { .name = (n), .type = SE_V_STRING, .required = (req), .en = (e) }
#define SE_BOOL(n)                                                                                 \
    { .name = (n), .type = SE_V_BOOL }
#define SE_URL(n, req)                                                                             \
    { .name = (n), .type = SE_V_STRING, .required = (req), .check = se_v_url }
#define SE_OBJ(n, req, spec)                                                                       \
    { .name = (n), .type = SE_V_OBJECT, .required = (req), .check = se_v_spec, .arg = (spec) }
#define SE_ARR(n, req, lo, hi, elem)                                                               \
    {                                                                                              \
        .name = (n), .type = SE_V_ARRAY, .required = (req), .min = (lo), .max = (hi),              \
        .check = se_v_each, .arg = (elem)                                                          \
    }
/* An array element or map value that is an object described by spec. */
#define SE_ITEM(spec)                                                                              \
    { .type = SE_V_OBJECT, .check = se_v_spec, .arg = (spec) }

/* The checkers. As se_rule.check they take: se_v_spec a se_spec (nested
 * object), se_v_each a se_rule (every array element), se_v_map a se_rule
 * (every member value, any key), se_v_channel_map a se_rule (every member
 * value, keys are channels of the open enum `se_v_channels`). */
se_status se_v_object(cJSON *obj, const char *path, const se_spec *spec, se_diag *d);
se_status se_v_value(cJSON *v, const char *path, const se_rule *r, se_diag *d);
se_status se_v_spec(cJSON *v, const char *path, const void *spec, se_diag *d);
se_status se_v_each(cJSON *v, const char *path, const void *rule, se_diag *d);
se_status se_v_map(cJSON *v, const char *path, const void *rule, se_diag *d);
se_status se_v_channel_map(cJSON *v, const char *path, const void *rule, se_diag *d);
/* http:// or https:// URL with a host (arg unused). */
se_status se_v_url(cJSON *v, const char *path, const void *arg, se_diag *d);
/* Number within the inclusive range arg = (const double[2]){lo, hi}. */
se_status se_v_range(cJSON *v, const char *path, const void *arg, se_diag *d);
/* A string that travels in a URL or a header: arg = a se_chars. */
se_status se_v_chars(cJSON *v, const char *path, const void *arg, se_diag *d);

/* "exactly one of a, b is required, got none|both|x and y". */
se_status se_v_one_of(cJSON *obj, const char *path, const char *const *names, se_diag *d);
/* The request root must be an object described by spec. */
se_status se_v_request(cJSON *req, const se_spec *spec, se_diag *d);
/* Checks a string against an enum: warns (open) or fails (closed). */
se_status se_v_enum(const char *s, const char *path, const se_enum *en, se_diag *d);

/* Channels of the Sinch Conversation API (open enum). */
extern const se_enum se_v_channels;

/* Helpers. */
const char *se_json_type_name(const cJSON *item); /* util.c: "string", "object", ... */
size_t se_v_utf8_len(const char *s);
void se_v_path_field(char *buf, const char *parent, const char *name);
void se_v_path_index(char *buf, const char *parent, int index);
/* A user string made safe to quote: control characters become '?', long
 * values are cut with "...". Never used for secrets. */
const char *se_v_show(char *buf, size_t n, const char *s);
/* Parses "YYYY-MM-DD" (a real Gregorian date) at the start of s; returns
 * the number of characters read (10) or 0. */
size_t se_v_date_prefix(const char *s);
/* Parses exactly n decimal digits into *out; returns 1 on success. */
int se_v_digits(const char *s, size_t n, unsigned *out);
/* Number of leading ASCII digits. */
size_t se_v_span_digits(const char *s);

#endif
