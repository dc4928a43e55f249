/* request.c - the JSON builder with dotted-path setters, for C callers who
 * would rather not write JSON. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client_state.h"
#include "json_path.h"
#include "logging.h"
#include "util.h"

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

/* Whether child can be gone through to reach step s (an object for a key,
 * an array for an index). */
static bool fits(const cJSON *child, const sei_path_step *s) {
    return s->key ? cJSON_IsObject(child) : cJSON_IsArray(child);
}

/* Puts target at step s of parent, in child's place when there is one
 * (keeping its key). false when out of memory. */
static bool attach(cJSON *parent, const sei_path_step *s, cJSON *child, cJSON *target) {
    if (!s->key)
        return child ? cJSON_ReplaceItemViaPointer(parent, child, target)
                     : cJSON_AddItemToArray(parent, target);
    char *key = sei_strndup(s->key, s->len);
    bool ok = key && (child ? cJSON_ReplaceItemViaPointer(parent, child, target)
                            : cJSON_AddItemToObject(parent, key, target));
    if (ok && child) { /* the replacement keeps the key */
        free(target->string);
        target->string = key;
        key = NULL;
    }
    free(key);
    return ok;
}

/* The containers a put creates: the first one is removed again if the put
 * fails, so a failed set leaves the request as it was. */
typedef struct created {
    cJSON *item, *in;
} created;

/* Walks `path` (well formed) from root, creating containers, and puts value
 * (consumed in every case) at its end. SE_E_INVALID with msg, or SE_E_NOMEM. */
static se_status put_at(cJSON *root, const char *path, cJSON *value, created *made, char *msg,
                        size_t cap) {
    const char *p = path;
    sei_path_step s, nxt;
    cJSON *parent = root;
    sei_path_next(&p, &s, true);
    for (;;) {
        bool last = *p == '\0';
        if (!last)
            sei_path_next(&p, &nxt, false);
        int size = cJSON_GetArraySize(parent);
        if (!s.key && s.index > size) {
            snprintf(msg, cap, "%.200s: index %ld is past the end of the array (size %d)", path,
                     s.index, size);
            cJSON_Delete(value);
            return SE_E_INVALID;
        }
        cJSON *child =
            s.key ? sei_path_member(parent, &s) : cJSON_GetArrayItem(parent, (int)s.index);
        cJSON *target = last ? value : child;
        if (!last && child && !fits(child, &nxt)) {
            snprintf(msg, cap, "%.200s: goes through a %s, not an %s", path,
                     sei_json_type_name(child), nxt.key ? "object" : "array");
            cJSON_Delete(value);
            return SE_E_INVALID;
        }
        if (!last && !child && !(target = nxt.key ? cJSON_CreateObject() : cJSON_CreateArray())) {
            cJSON_Delete(value);
            return SE_E_NOMEM;
        }
        if (target != child && !attach(parent, &s, child, target)) {
            if (target != value)
                cJSON_Delete(target);
            cJSON_Delete(value);
            return SE_E_NOMEM;
        }
        if (last)
            return SE_OK;
        if (target != child && !made->item)
            *made = (created){target, parent};
        parent = target;
        s = nxt;
    }
}

/* Puts `value` (owned, consumed in every case) at `path`, creating containers. */
static se_status put(se_request *r, const char *path, cJSON *value) {
    if (!r || !path) {
        cJSON_Delete(value);
        return sei_set_error(NULL, SE_E_MISUSE, "se_request: request and path must not be NULL");
    }
    if (!value)
        return sei_set_error(NULL, SE_E_NOMEM, "out of memory");
    char msg[300];
    if (!sei_path_valid(path, false)) {
        cJSON_Delete(value);
        snprintf(msg, sizeof msg, "%.200s: malformed path (use a.b[0].c)", path);
        return sei_set_error(NULL, SE_E_INVALID, msg);
    }
    created made = {NULL, NULL};
    se_status st = put_at(r->root, path, value, &made, msg, sizeof msg);
    if (st != SE_OK) {
        if (made.item)
            cJSON_Delete(cJSON_DetachItemViaPointer(made.in, made.item));
        return sei_set_error(NULL, st, st == SE_E_NOMEM ? "out of memory" : msg);
    }
    free(r->json);
    r->json = NULL;
    return SE_OK;
}

se_status se_request_set_string(se_request *r, const char *path, const char *value) {
    if (!value)
        return sei_set_error(NULL, SE_E_MISUSE, "se_request_set_string: value must not be NULL");
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
        return sei_set_error(NULL, SE_E_MISUSE, "se_request_set_json: json must not be NULL");
    cJSON *v = cJSON_Parse(json);
    if (!v) {
        char msg[300];
        snprintf(msg, sizeof msg, "%.200s: value is not valid JSON", path ? path : "");
        return sei_set_error(NULL, SE_E_INVALID, msg);
    }
    return put(r, path, v);
}

se_status se_request_remove(se_request *r, const char *path) {
    if (!r || !path)
        return SE_E_MISUSE;
    bool malformed;
    cJSON *parent, *v = sei_json_path_in(r->root, path, &malformed, &parent);
    if (malformed)
        return sei_set_error(NULL, SE_E_INVALID, "malformed path (use a.b[0].c)");
    if (!v)
        return SE_OK;
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
