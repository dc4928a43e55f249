/* validate/rules.c - the generic checkers of rules.h. */
#include "rules.h"

#include <stdio.h>
#include <string.h>

#include "../scan.h"

static const char *const CHANNELS[] = {
    "WHATSAPP", "RCS",       "SMS",           "MESSENGER", "VIBERBM", "MMS",     "INSTAGRAM",
    "TELEGRAM", "KAKAOTALK", "KAKAOTALKCHAT", "LINE",      "WECHAT",  "APPLEBC", NULL};
const sei_enum sei_v_channels = {CHANNELS, "channel"};

/* The object itself at the root has no path of its own. */
static const char *at(const char *path) {
    return *path ? path : "request";
}

size_t sei_v_utf8_len(const char *s) {
    size_t n = 0;
    for (; *s; s++)
        n += ((unsigned char)*s & 0xC0) != 0x80; /* continuation bytes do not count */
    return n;
}

const char *sei_v_show(char *buf, size_t n, const char *s) {
    size_t i = 0;
    for (; s[i] && i + 4 < n; i++)
        buf[i] = ((unsigned char)s[i] < 0x20 || s[i] == 0x7f) ? '?' : s[i];
    if (s[i]) { /* cut: step back to a code point boundary, then mark it */
        while (i > 0 && ((unsigned char)s[i] & 0xC0) == 0x80)
            i--;
        memcpy(buf + i, "...", 3);
        i += 3;
    }
    buf[i] = '\0';
    return buf;
}

/* Paths are built for every field present, failing or not: plain copies here,
 * since snprintf was most of the cost of validating a valid request. */
static size_t path_append(char *buf, size_t used, const char *s) {
    size_t n = strlen(s);
    if (used + n >= SEI_V_PATH_MAX)
        n = SEI_V_PATH_MAX - 1 - used;
    memcpy(buf + used, s, n);
    buf[used + n] = '\0';
    return used + n;
}

/* A field of the rule tables: a name of ours, shown as it is. */
static void path_rule(char *buf, const char *parent, const char *name) {
    size_t used = path_append(buf, 0, parent);
    if (*parent)
        used = path_append(buf, used, ".");
    path_append(buf, used, name);
}

void sei_v_path_field(char *buf, const char *parent, const char *name) {
    char shown[96];
    path_rule(buf, parent, sei_v_show(shown, sizeof shown, name ? name : ""));
}

void sei_v_path_index(char *buf, const char *parent, int index) {
    char digits[16], *p = digits + sizeof digits;
    unsigned v = index < 0 ? 0u : (unsigned)index;
    *--p = '\0';
    do
        *--p = (char)('0' + v % 10);
    while (v /= 10);
    size_t used = path_append(buf, 0, parent);
    used = path_append(buf, used, "[");
    used = path_append(buf, used, p);
    path_append(buf, used, "]");
}

size_t sei_v_span_digits(const char *s) {
    size_t n = 0;
    while (s[n] >= '0' && s[n] <= '9')
        n++;
    return n;
}

int sei_v_digits(const char *s, size_t n, unsigned *out) {
    unsigned v = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return 0;
        v = v * 10 + (unsigned)(s[i] - '0');
    }
    *out = v;
    return 1;
}

size_t sei_v_date_prefix(const char *s) {
    static const unsigned days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    unsigned y, m, dd;
    if (!sei_v_digits(s, 4, &y) || s[4] != '-' || !sei_v_digits(s + 5, 2, &m) || s[7] != '-' ||
        !sei_v_digits(s + 8, 2, &dd) || m < 1 || m > 12 || dd < 1)
        return 0;
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return dd <= days[m - 1] + (m == 2 && leap) ? 10 : 0;
}

se_status sei_v_request(cJSON *req, const sei_spec *spec, sei_diag *d) {
    if (!cJSON_IsObject(req))
        return sei_diag_fail(d, "request: must be a JSON object");
    return sei_v_object(req, "", spec, d);
}

se_status sei_v_enum(const char *s, const char *path, const sei_enum *en, sei_diag *d) {
    char shown[80], list[400];
    size_t used = 0;
    for (const char *const *v = en->values; *v; v++)
        if (strcmp(*v, s) == 0)
            return SE_OK;
    sei_v_show(shown, sizeof shown, s);
    if (en->noun) {
        sei_diag_warn(d, "%s: unknown %s \"%s\" (sent as given)", at(path), en->noun, shown);
        return SE_OK;
    }
    list[0] = '\0';
    for (const char *const *v = en->values; *v && used < sizeof list; v++)
        used += (size_t)snprintf(list + used, sizeof list - used, "%s%s", used ? ", " : "", *v);
    return sei_diag_fail(d, "%s: must be one of %s, got \"%s\"", at(path), list, shown);
}

se_status sei_v_one_of(cJSON *obj, const char *path, const char *const *names, sei_diag *d) {
    const char *got[2] = {NULL, NULL};
    int count = 0, total = 0;
    for (const char *const *n = names; *n; n++, total++) {
        if (cJSON_GetObjectItemCaseSensitive(obj, *n)) {
            if (count < 2)
                got[count] = *n;
            count++;
        }
    }
    if (count == 1)
        return SE_OK;
    char list[400]; /* the names, for the message only */
    size_t used = 0;
    list[0] = '\0';
    for (const char *const *n = names; *n && used < sizeof list; n++)
        used += (size_t)snprintf(list + used, sizeof list - used, "%s%s", used ? ", " : "", *n);
    if (count == 0)
        return sei_diag_fail(d, "%s: exactly one of %s is required, got none", at(path), list);
    if (count == 2 && total == 2)
        return sei_diag_fail(d, "%s: exactly one of %s is required, got both", at(path), list);
    return sei_diag_fail(d, "%s: exactly one of %s is required, got %s and %s%s", at(path), list,
                         got[0], got[1], count > 2 ? " and more" : "");
}

static const sei_rule *find_rule(const sei_rule *fields, const char *name) {
    for (; fields && fields->name; fields++)
        if (fields->name[0] == name[0] && strcmp(fields->name, name) == 0)
            return fields;
    return NULL;
}

/* cJSON keeps both members of {"a":1,"a":2}; we check the first while a server
 * may read the last, so a repeated key is refused. With `found`, a strict
 * spec's member of each rule is noted there (by rule index), so that the
 * rules need not look for their member again. */
static se_status check_keys(cJSON *obj, const char *path, const sei_spec *spec, cJSON **found,
                            sei_diag *d) {
    char sub[SEI_V_PATH_MAX];
    for (cJSON *c = obj->child; c; c = c->next) {
        const char *key = c->string ? c->string : "";
        const char *problem = NULL;
        const sei_rule *r = NULL;
        for (cJSON *p = obj->child; p != c && !problem; p = p->next)
            if (p->string && strcmp(p->string, key) == 0)
                problem = "duplicate field";
        if (!problem && spec && spec->strict && !(r = find_rule(spec->fields, key)))
            problem = "unknown field";
        if (r && found)
            found[r - spec->fields] = c;
        if (problem) {
            sei_v_path_field(sub, path, key);
            return sei_diag_fail(d, "%s: %s", sub, problem);
        }
    }
    return SE_OK;
}

static const char *const WANT[] = {"any value", "a string",  "a number",
                                   "a boolean", "an object", "an array"};

static int has_type(const cJSON *v, sei_vtype t) {
    switch (t) {
    case SEI_V_STRING:
        return cJSON_IsString(v) && v->valuestring;
    case SEI_V_NUMBER:
        return cJSON_IsNumber(v);
    case SEI_V_BOOL:
        return cJSON_IsBool(v);
    case SEI_V_OBJECT:
        return cJSON_IsObject(v);
    case SEI_V_ARRAY:
        return cJSON_IsArray(v);
    default:
        return 1;
    }
}

/* Characters of a string (code points) as far as the rule needs them: there
 * are between bytes/4 and bytes of them (UTF-8), and when both bounds pass the
 * rule, so does the count, which is then not worth counting. */
static size_t string_length(const char *s, const sei_rule *r) {
    size_t bytes = strlen(s), min = r->min ? r->min : (size_t)r->required;
    if ((!r->max || bytes <= r->max) && (bytes + 3) / 4 >= min)
        return bytes;
    return sei_v_utf8_len(s);
}

/* Too few / too many: characters of a string or items of an array. */
static se_status check_count(size_t n, const sei_rule *r, const char *unit, const char *path,
                             sei_diag *d) {
    size_t min = r->min ? r->min : (r->type == SEI_V_STRING && r->required);
    if (n < min && min == 1)
        return sei_diag_fail(d, "%s: must not be empty", path);
    if (n < min)
        return sei_diag_fail(d, "%s: at least %zu %s, got %zu", path, min, unit, n);
    if (r->max && n > r->max)
        return sei_diag_fail(d, "%s: at most %zu %s, got %zu", path, r->max, unit, n);
    return SE_OK;
}

se_status sei_v_value(cJSON *v, const char *path, const sei_rule *r, sei_diag *d) {
    se_status rc = SE_OK;
    if (!has_type(v, r->type))
        return sei_diag_fail(d, "%s: must be %s, got %s", at(path), WANT[r->type],
                             sei_json_type_name(v));
    if (r->type == SEI_V_STRING) {
        rc = check_count(string_length(v->valuestring, r), r, "characters", at(path), d);
        if (rc == SE_OK && r->en)
            rc = sei_v_enum(v->valuestring, path, r->en, d);
    } else if (r->type == SEI_V_ARRAY) {
        rc = check_count((size_t)cJSON_GetArraySize(v), r, "items", at(path), d);
    }
    if (rc == SE_OK && r->check)
        rc = r->check(v, path, r->arg, d);
    return rc;
}

se_status sei_v_object(cJSON *obj, const char *path, const sei_spec *spec, sei_diag *d) {
    char sub[SEI_V_PATH_MAX];
    se_status rc;
    if (!cJSON_IsObject(obj))
        return sei_diag_fail(d, "%s: must be an object, got %s", at(path), sei_json_type_name(obj));
    cJSON *found[SEI_V_MAX_FIELDS];
    size_t n_fields = 0;
    while (spec->fields && spec->fields[n_fields].name)
        n_fields++;
    bool noted = spec->strict && n_fields <= SEI_V_MAX_FIELDS; /* else each rule looks */
    if (noted)
        memset(found, 0, n_fields * sizeof *found);
    if ((rc = check_keys(obj, path, spec, noted ? found : NULL, d)) != SE_OK)
        return rc;
    if (spec->one_of && (rc = sei_v_one_of(obj, path, spec->one_of, d)) != SE_OK)
        return rc;
    for (const sei_rule *r = spec->fields; r && r->name; r++) {
        cJSON *v = noted ? found[r - spec->fields] : cJSON_GetObjectItemCaseSensitive(obj, r->name);
        if (!v && !r->required)
            continue; /* absent and optional: no path to build */
        path_rule(sub, path, r->name);
        if (!v)
            return sei_diag_fail(d, "%s: required", sub);
        if ((rc = sei_v_value(v, sub, r, d)) != SE_OK)
            return rc;
    }
    return spec->extra ? spec->extra(obj, path, NULL, d) : SE_OK;
}

se_status sei_v_spec(cJSON *v, const char *path, const void *spec, sei_diag *d) {
    return sei_v_object(v, path, spec, d);
}

se_status sei_v_each(cJSON *v, const char *path, const void *rule, sei_diag *d) {
    char sub[SEI_V_PATH_MAX];
    int i = 0;
    se_status rc;
    for (cJSON *e = v->child; e; e = e->next, i++) {
        sei_v_path_index(sub, path, i);
        if ((rc = sei_v_value(e, sub, rule, d)) != SE_OK)
            return rc;
    }
    return SE_OK;
}

/* Members of a map: any key (or a channel key), each value by `rule`. */
static se_status check_map(cJSON *v, const char *path, const sei_rule *rule, int channels,
                           sei_diag *d) {
    char sub[SEI_V_PATH_MAX];
    se_status rc;
    if ((rc = check_keys(v, path, NULL, NULL, d)) != SE_OK)
        return rc;
    for (cJSON *e = v->child; e; e = e->next) {
        const char *key = e->string ? e->string : "";
        sei_v_path_field(sub, path, key);
        if (channels && (rc = sei_v_enum(key, path, &sei_v_channels, d)) != SE_OK)
            return rc;
        if ((rc = sei_v_value(e, sub, rule, d)) != SE_OK)
            return rc;
    }
    return SE_OK;
}

se_status sei_v_map(cJSON *v, const char *path, const void *rule, sei_diag *d) {
    return check_map(v, path, rule, 0, d);
}

se_status sei_v_channel_map(cJSON *v, const char *path, const void *rule, sei_diag *d) {
    return check_map(v, path, rule, 1, d);
}

static int starts_with_ci(const char *s, const char *prefix) {
    for (; *prefix; s++, prefix++) {
        char c = (*s >= 'A' && *s <= 'Z') ? (char)(*s - 'A' + 'a') : *s;
        if (c != *prefix)
            return 0;
    }
    return 1;
}

/* Whether the authority (userinfo@host:port) has a host and a numeric port. */
static int authority_ok(const char *a, size_t len) {
    const char *end = a + len, *host = a, *at_sign = NULL, *p;
    for (p = a; p < end; p++)
        if (*p == '@')
            at_sign = p;
    if (at_sign)
        host = at_sign + 1;
    if (host < end && *host == '[') { /* IPv6 literal */
        p = memchr(host, ']', (size_t)(end - host));
        if (!p || p == host + 1)
            return 0;
        p++;
    } else {
        p = host;
        while (p < end && *p != ':')
            p++;
        if (p == host)
            return 0;
    }
    if (p == end)
        return 1;
    if (*p != ':')
        return 0;
    size_t digits = sei_v_span_digits(p + 1);
    unsigned port = 0;
    return p + 1 + digits == end && digits <= 5 && sei_v_digits(p + 1, digits, &port) &&
           port <= 65535;
}

se_status sei_v_url(cJSON *v, const char *path, const void *arg, sei_diag *d) {
    const char *s = v->valuestring, *rest;
    (void)arg;
    for (const char *p = s; *p; p++)
        if ((unsigned char)*p <= 0x20 || *p == 0x7f)
            return sei_diag_fail(d, "%s: must be a URL without spaces or control characters",
                                 at(path));
    if (starts_with_ci(s, "https://"))
        rest = s + 8;
    else if (starts_with_ci(s, "http://"))
        rest = s + 7;
    else
        return sei_diag_fail(d, "%s: must be an http:// or https:// URL", at(path));
    if (!authority_ok(rest, strcspn(rest, "/?#")))
        return sei_diag_fail(d, "%s: must be an http:// or https:// URL with a host", at(path));
    return SE_OK;
}

se_status sei_v_range(cJSON *v, const char *path, const void *arg, sei_diag *d) {
    const double *lim = arg;
    double x = v->valuedouble;
    if (!(x >= lim[0] && x <= lim[1])) /* also refuses NaN */
        return sei_diag_fail(d, "%s: must be between %g and %g, got %g", at(path), lim[0], lim[1],
                             x);
    return SE_OK;
}

se_status sei_v_chars(cJSON *v, const char *path, const void *arg, sei_diag *d) {
    const sei_chars *c = arg;
    const char *s = v->valuestring;
    size_t n = strlen(s);
    if (sei_scan_plain((const unsigned char *)s, n, 0x7f, c->no_space ? ' ' : 0x7f) == n &&
        (!c->forbidden || !s[strcspn(s, c->forbidden)]))
        return SE_OK; /* the common case, found without a look at every byte */
    for (const char *p = s; *p; p++) {
        unsigned char ch = (unsigned char)*p;
        if (c->no_space && (ch == ' ' || (ch >= '\t' && ch <= '\r')))
            return sei_diag_fail(d, "%s: must not contain whitespace", at(path));
        if (ch < 0x20 || ch == 0x7f)
            return sei_diag_fail(d, "%s: must not contain control characters", at(path));
        if (c->forbidden && strchr(c->forbidden, ch))
            return sei_diag_fail(d, "%s: must not contain '%c'", at(path), ch);
    }
    return SE_OK;
}
