/* json_path.c - the one dotted-path reader (json_path.h). */
#include "json_path.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

bool sei_path_next(const char **p, sei_path_step *s, bool first) {
    const char *q = *p;
    if (*q == '[') {
        char *end;
        if (!isdigit((unsigned char)q[1])) /* no sign, no blank: strtol would take them */
            return false;
        errno = 0;
        s->index = strtol(q + 1, &end, 10);
        if (*end != ']' || errno)
            return false;
        s->key = NULL;
        s->len = 0;
        *p = end + 1;
        return true;
    }
    if (!first) {
        if (*q != '.')
            return false;
        q++;
    }
    s->key = q;
    s->len = strcspn(q, ".[");
    *p = q + s->len;
    return s->len > 0;
}

bool sei_path_valid(const char *path, bool index_first) {
    if (!path || !*path)
        return false;
    sei_path_step s;
    const char *p = path;
    if (!sei_path_next(&p, &s, true) || (!index_first && !s.key))
        return false;
    while (*p)
        if (!sei_path_next(&p, &s, false))
            return false;
    return true;
}

cJSON *sei_path_member(const cJSON *obj, const sei_path_step *s) {
    for (cJSON *it = obj->child; it; it = it->next)
        if (it->string && strlen(it->string) == s->len && !memcmp(it->string, s->key, s->len))
            return it;
    return NULL;
}

/* The value one step below cur, or NULL (absent, or cur of another type). */
static cJSON *step_into(const cJSON *cur, const sei_path_step *s) {
    if (s->key)
        return cJSON_IsObject(cur) ? sei_path_member(cur, s) : NULL;
    return cJSON_IsArray(cur) && s->index <= INT_MAX ? cJSON_GetArrayItem(cur, (int)s->index)
                                                     : NULL;
}

cJSON *sei_json_path_in(const cJSON *root, const char *path, bool *malformed, cJSON **parent) {
    *malformed = !sei_path_valid(path, true);
    if (parent)
        *parent = NULL;
    const cJSON *cur = *malformed ? NULL : root, *up = NULL;
    sei_path_step s;
    for (const char *p = path; cur && *p;) {
        sei_path_next(&p, &s, p == path); /* well formed: checked above */
        up = cur;
        cur = step_into(cur, &s);
    }
    if (parent && cur)
        *parent = (cJSON *)up;
    return (cJSON *)cur;
}

cJSON *sei_json_path(const cJSON *root, const char *path, bool *malformed) {
    return sei_json_path_in(root, path, malformed, NULL);
}
