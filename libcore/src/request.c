/* request.c - the JSON builder with dotted-path setters, for C callers who
 * would rather not write JSON. */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

struct se_request {
    cJSON *root;
    char *json; /* cached serialization, dropped on every change */
};

se_status se_request_new(se_request **out) {
    if (!out)
        return SE_E_MISUSE;
    *out = calloc(1, sizeof **out);
    if (!*out)
        return SE_E_NOMEM;
    if (!((*out)->root = cJSON_CreateObject())) {
        free(*out);
        *out = NULL;
        return SE_E_NOMEM;
    }
    return SE_OK;
}

void se_request_free(se_request *r) {
    if (!r)
        return;
    cJSON_Delete(r->root);
    free(r->json);
    free(r);
}

/* One step of a path: a key (len > 0) or an array index (len == 0). */
typedef struct step {
    const char *key;
    size_t len;
    long index;
} step;

/* Reads the step at *p and advances; false when the path is malformed. */
static bool next_step(const char **p, step *s, bool first) {
    const char *q = *p;
    if (*q == '[') {
        char *end;
        errno = 0;
        s->index = strtol(q + 1, &end, 10);
        if (end == q + 1 || *end != ']' || s->index < 0 || errno || !isdigit((unsigned char)q[1]))
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

static cJSON *get_key(cJSON *obj, const step *s) {
    for (cJSON *it = obj->child; it; it = it->next)
        if (it->string && strlen(it->string) == s->len && !memcmp(it->string, s->key, s->len))
            return it;
    return NULL;
}

/* Puts `value` (owned, consumed in every case) at `path`, creating containers. */
static se_status put(se_request *r, const char *path, cJSON *value) {
    if (!r || !path) {
        cJSON_Delete(value);
        return se_set_error(NULL, SE_E_MISUSE, "se_request: request and path must not be NULL");
    }
    if (!value)
        return se_set_error(NULL, SE_E_NOMEM, "out of memory");
    const char *p = path;
    step s;
    cJSON *parent = r->root;
    /* the first container this call creates: removed again if the call fails,
     * so a failed set leaves the request as it was */
    cJSON *created = NULL, *created_in = NULL;
    char msg[300];
    if (!next_step(&p, &s, true) || !s.key)
        goto malformed;
    for (;;) {
        step nxt;
        bool last = *p == '\0';
        if (!last && !next_step(&p, &nxt, false))
            goto malformed;
        cJSON *child = s.key ? get_key(parent, &s) : cJSON_GetArrayItem(parent, (int)s.index);
        if (s.key == NULL && s.index > cJSON_GetArraySize(parent)) {
            snprintf(msg, sizeof msg, "%.200s: index %ld is past the end of the array (size %d)",
                     path, s.index, cJSON_GetArraySize(parent));
            goto fail;
        }
        cJSON *target = last ? value : child;
        if (!last && (!child || (nxt.key ? !cJSON_IsObject(child) : !cJSON_IsArray(child)))) {
            if (child) {
                snprintf(msg, sizeof msg, "%.200s: goes through a %s, not an %s", path,
                         se_json_type_name(child), nxt.key ? "object" : "array");
                goto fail;
            }
            target = nxt.key ? cJSON_CreateObject() : cJSON_CreateArray();
            if (!target) {
                cJSON_Delete(value);
                return se_set_error(NULL, SE_E_NOMEM, "out of memory");
            }
        }
        if (target != child) {
            bool ok;
            if (s.key) {
                char *key = se_strndup(s.key, s.len);
                ok = key && (child ? cJSON_ReplaceItemViaPointer(parent, child, target)
                                   : cJSON_AddItemToObject(parent, key, target));
                if (ok && child) { /* the replacement keeps the key */
                    free(target->string);
                    target->string = key;
                    key = NULL;
                }
                free(key);
            } else {
                ok = child ? cJSON_ReplaceItemViaPointer(parent, child, target)
                           : cJSON_AddItemToArray(parent, target);
            }
            if (!ok) {
                if (target != value)
                    cJSON_Delete(target);
                cJSON_Delete(value);
                return se_set_error(NULL, SE_E_NOMEM, "out of memory");
            }
        }
        if (last)
            break;
        if (target != child && !created) {
            created = target;
            created_in = parent;
        }
        parent = target;
        s = nxt;
    }
    free(r->json);
    r->json = NULL;
    return SE_OK;
malformed:
    snprintf(msg, sizeof msg, "%.200s: malformed path (use a.b[0].c)", path);
fail:
    cJSON_Delete(value);
    if (created)
        cJSON_Delete(cJSON_DetachItemViaPointer(created_in, created));
    return se_set_error(NULL, SE_E_INVALID, msg);
}

se_status se_request_set_string(se_request *r, const char *path, const char *value) {
    if (!value)
        return se_set_error(NULL, SE_E_MISUSE, "se_request_set_string: value must not be NULL");
    return put(r, path, cJSON_CreateString(value));
}

se_status se_request_set_int(se_request *r, const char *path, long long value) {
    return put(r, path, cJSON_CreateNumber((double)value));
}

se_status se_request_set_number(se_request *r, const char *path, double value) {
    return put(r, path, cJSON_CreateNumber(value));
}

se_status se_request_set_bool(se_request *r, const char *path, int value) {
    return put(r, path, cJSON_CreateBool(value != 0));
}

se_status se_request_set_json(se_request *r, const char *path, const char *json) {
    if (!json)
        return se_set_error(NULL, SE_E_MISUSE, "se_request_set_json: json must not be NULL");
    cJSON *v = cJSON_Parse(json);
    if (!v) {
        char msg[300];
        snprintf(msg, sizeof msg, "%.200s: value is not valid JSON", path ? path : "");
        return se_set_error(NULL, SE_E_INVALID, msg);
    }
    return put(r, path, v);
}

se_status se_request_remove(se_request *r, const char *path) {
    if (!r || !path)
        return SE_E_MISUSE;
    bool malformed;
    cJSON *v = se_json_path(r->root, path, &malformed);
    if (malformed)
        return se_set_error(NULL, SE_E_INVALID, "malformed path (use a.b[0].c)");
    if (!v)
        return SE_OK;
    /* find the parent by walking from the root: cJSON has no parent links */
    size_t cut = strlen(path);
    while (cut > 0 && path[cut - 1] != '.' && path[cut - 1] != '[')
        cut--;
    cJSON *parent = r->root;
    if (cut > 0) {
        char *prefix = se_strndup(path, path[cut - 1] == '.' ? cut - 1 : cut - 1);
        if (!prefix)
            return SE_E_NOMEM;
        parent = se_json_path(r->root, prefix, &malformed);
        free(prefix);
    }
    cJSON_Delete(cJSON_DetachItemViaPointer(parent, v));
    free(r->json);
    r->json = NULL;
    return SE_OK;
}

const char *se_request_json(se_request *r) {
    if (!r)
        return NULL;
    if (!r->json)
        r->json = cJSON_PrintUnformatted(r->root);
    return r->json;
}
