/* JSON validation helpers (see check.h). Written for the emulator alone: libcore has its own
 * validation, and the point of the emulator is that the two are independent. */
#include "check.h"

#include "util.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

bool vfail(struct verr *e, const char *path, const char *fmt, ...) {
    int n = snprintf(e->msg, sizeof e->msg, "%s: ", *path ? path : "body");
    if (n < 0 || (size_t)n >= sizeof e->msg)
        return false;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(e->msg + n, sizeof e->msg - (size_t)n, fmt, ap);
    va_end(ap);
    return false;
}

const char *vpath(char *buf, size_t n, const char *path, const char *key) {
    int w = snprintf(buf, n, "%s%s%s", path, *path ? "." : "", key);
    if (w >= 0 && (size_t)w >= n && n > 4)
        memcpy(buf + n - 4, "...", 4); /* a path too deep to name whole says it is cut */
    return buf;
}

const cJSON *vget(const cJSON *obj, const char *key) {
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    return cJSON_IsNull(v) ? NULL : v;
}

/* Looks the key up; on absence fails only when required. *present tells the caller whether to
 * go on checking the value. */
static bool lookup(struct verr *e, const cJSON *obj, const char *path, const char *key,
                   bool required, const cJSON **v, char *p, size_t plen) {
    vpath(p, plen, path, key);
    *v = vget(obj, key);
    if (!*v && required)
        return vfail(e, p, "required");
    return true;
}

bool v_str(struct verr *e, const cJSON *obj, const char *path, const char *key, bool required,
           size_t min, size_t max, const char **out) {
    char p[512];
    const cJSON *v;
    if (out)
        *out = NULL;
    if (!lookup(e, obj, path, key, required, &v, p, sizeof p))
        return false;
    if (!v)
        return true;
    if (!cJSON_IsString(v))
        return vfail(e, p, "must be a string");
    size_t n = utf8_chars(v->valuestring);
    if (n < min)
        return min == 1 ? vfail(e, p, "must not be empty")
                        : vfail(e, p, "at least %zu characters, got %zu", min, n);
    if (max && n > max)
        return vfail(e, p, "at most %zu characters, got %zu", max, n);
    if (out)
        *out = v->valuestring;
    return true;
}

bool v_obj(struct verr *e, const cJSON *obj, const char *path, const char *key, bool required,
           const cJSON **out) {
    char p[512];
    const cJSON *v;
    if (out)
        *out = NULL;
    if (!lookup(e, obj, path, key, required, &v, p, sizeof p))
        return false;
    if (v && !cJSON_IsObject(v))
        return vfail(e, p, "must be an object");
    if (out)
        *out = v;
    return true;
}

bool v_arr(struct verr *e, const cJSON *obj, const char *path, const char *key, bool required,
           size_t min, size_t max, const cJSON **out) {
    char p[512];
    const cJSON *v;
    if (out)
        *out = NULL;
    if (!lookup(e, obj, path, key, required, &v, p, sizeof p))
        return false;
    if (!v)
        return true;
    if (!cJSON_IsArray(v))
        return vfail(e, p, "must be an array");
    size_t n = (size_t)cJSON_GetArraySize(v);
    if (n < min)
        return vfail(e, p, "at least %zu item%s, got %zu", min, min == 1 ? "" : "s", n);
    if (max && n > max)
        return vfail(e, p, "at most %zu items, got %zu", max, n);
    if (out)
        *out = v;
    return true;
}

bool v_bool(struct verr *e, const cJSON *obj, const char *path, const char *key, bool required) {
    char p[512];
    const cJSON *v;
    if (!lookup(e, obj, path, key, required, &v, p, sizeof p))
        return false;
    if (v && !cJSON_IsBool(v))
        return vfail(e, p, "must be true or false");
    return true;
}

bool v_num(struct verr *e, const cJSON *obj, const char *path, const char *key, bool required,
           double lo, double hi) {
    char p[512];
    const cJSON *v;
    if (!lookup(e, obj, path, key, required, &v, p, sizeof p))
        return false;
    if (!v)
        return true;
    if (!cJSON_IsNumber(v))
        return vfail(e, p, "must be a number");
    if (v->valuedouble < lo || v->valuedouble > hi)
        return vfail(e, p, "must be in %g..%g, got %g", lo, hi, v->valuedouble);
    return true;
}

static void join(char *buf, size_t n, const char *const *values) {
    buf[0] = '\0';
    for (int i = 0; values[i]; i++) {
        size_t len = strlen(buf);
        snprintf(buf + len, n - len, "%s%s", i ? ", " : "", values[i]);
    }
}

bool v_enum(struct verr *e, const cJSON *obj, const char *path, const char *key, bool required,
            const char *const *values) {
    char p[512];
    const cJSON *v;
    if (!lookup(e, obj, path, key, required, &v, p, sizeof p))
        return false;
    if (!v)
        return true;
    char list[400];
    join(list, sizeof list, values);
    if (!cJSON_IsString(v))
        return vfail(e, p, "must be a string, one of %s", list);
    for (int i = 0; values[i]; i++)
        if (strcmp(v->valuestring, values[i]) == 0)
            return true;
    return vfail(e, p, "must be one of %s, got \"%.64s\"", list, v->valuestring);
}

bool v_known(struct verr *e, const cJSON *obj, const char *path, const char *const *allowed) {
    for (const cJSON *it = obj->child; it; it = it->next) {
        bool ok = false;
        for (int i = 0; allowed[i] && !ok; i++)
            ok = strcmp(it->string, allowed[i]) == 0;
        if (!ok) {
            char p[512];
            return vfail(e, vpath(p, sizeof p, path, it->string), "unknown field");
        }
    }
    return true;
}

bool v_one_of(struct verr *e, const cJSON *obj, const char *path, const char *const *kinds,
              const char **which) {
    const char *first = NULL, *second = NULL;
    for (int i = 0; kinds[i]; i++) {
        if (!vget(obj, kinds[i]))
            continue;
        if (!first)
            first = kinds[i];
        else if (!second)
            second = kinds[i];
    }
    char list[400];
    join(list, sizeof list, kinds);
    if (!first)
        return vfail(e, path, "exactly one of %s is required, got none", list);
    if (second)
        return vfail(e, path, "exactly one of %s is allowed, got %s and %s", list, first, second);
    *which = first;
    return true;
}

bool v_str_map(struct verr *e, const cJSON *obj, const char *path, const char *key, size_t max) {
    const cJSON *m;
    if (!v_obj(e, obj, path, key, false, &m))
        return false;
    if (!m)
        return true;
    char p[512];
    vpath(p, sizeof p, path, key);
    for (const cJSON *it = m->child; it; it = it->next)
        if (!v_str(e, m, p, it->string, true, 0, max, NULL))
            return false;
    return true;
}

bool v_str_list(struct verr *e, const cJSON *obj, const char *path, const char *key) {
    const cJSON *a;
    if (!v_arr(e, obj, path, key, false, 0, 0, &a))
        return false;
    char p[512];
    vpath(p, sizeof p, path, key);
    int i = 0;
    for (const cJSON *it = a ? a->child : NULL; it; it = it->next, i++) {
        char ip[540];
        snprintf(ip, sizeof ip, "%s[%d]", p, i);
        if (!cJSON_IsString(it) || !it->valuestring[0])
            return vfail(e, ip, "must be a non-empty string");
    }
    return true;
}
