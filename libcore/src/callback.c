/* callback.c - se_callback: a provider's callback body parsed, its kind and
 * normalized fields (filled by the provider's parse_callback hook) and its
 * JSON by dotted path (json_path.h, as se_response_get). */
#include "callback.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crypto.h"
#include "dynbuf.h"
#include "json.h"
#include "json_path.h"
#include "logging.h"
#include "provider.h"
#include "util.h"

typedef struct sei_field {
    const char *name;
    char *value;
} sei_field;

struct se_callback {
    const sei_provider *provider;
    cJSON *root; /* the body */
    cJSON *item; /* a tree of its own read by se_callback_json instead of root, or NULL */
    size_t n;
    sei_field fields[SEI_CALLBACK_MAX_FIELDS];
};

void se_callback_free(se_callback *cb) {
    if (!cb)
        return;
    for (size_t i = 0; i < cb->n; i++)
        free(cb->fields[i].value);
    cJSON_Delete(cb->root);
    cJSON_Delete(cb->item);
    free(cb);
}

static se_status parse_error(const char *what, size_t offset) {
    char msg[160];
    snprintf(msg, sizeof msg, "callback body: %s (byte %zu)", what, offset);
    return sei_set_error(NULL, SE_E_INVALID, msg);
}

/* The body as a JSON object: SE_OK with *root, else SE_E_INVALID saying where. */
static se_status parse_body(const char *body, size_t len, cJSON **root) {
    *root = NULL;
    char *text = malloc(len + 1); /* the JSON module reads NUL-terminated text */
    if (!text)
        return SE_E_NOMEM;
    memcpy(text, body, len);
    text[len] = '\0';
    se_status st = SE_OK;
    const char *end = NULL;
    if (sei_json_deeper_than(text, len, SEI_JSON_MAX_DEPTH))
        st = parse_error("nests deeper than 128", 0);
    else if (!(*root = cJSON_ParseWithLengthOpts(text, len, &end, false)))
        st = parse_error("not JSON", end ? (size_t)(end - text) : 0);
    else if (end + strspn(end, " \t\r\n") != text + len) /* a NUL byte or text after the value */
        st = parse_error("text after the JSON value", (size_t)(end - text));
    else if (!cJSON_IsObject(*root))
        st = parse_error("not a JSON object", 0);
    if (st != SE_OK) {
        cJSON_Delete(*root);
        *root = NULL;
    }
    free(text);
    return st;
}

/* "<provider>:<kind>:sha256:<32 hex digits of the body's SHA-256>": the same
 * bytes sent again give the same key. */
static se_status body_key(se_callback *cb, const char *body, size_t len) {
    unsigned char d[SEI_SHA256_LEN];
    char hex[33];
    if (sei_sha256(body, len, d) != SE_OK)
        return SE_E_NOMEM;
    for (int i = 0; i < 16; i++)
        snprintf(hex + 2 * i, 3, "%02x", d[i]);
    const char *parts[] = {cb->provider->name, se_callback_kind(cb), "sha256", hex};
    return sei_callback_set_key(cb, "dedup_key", parts, 4);
}

se_status se_callback_parse(se_callback **out, const char *provider, const char *body,
                            size_t body_len) {
    if (!out)
        return SE_E_MISUSE;
    *out = NULL;
    if (!provider || (!body && body_len))
        return SE_E_MISUSE;
    const sei_provider *p = sei_provider_find(provider);
    if (!p || !p->parse_callback) {
        char msg[128];
        snprintf(msg, sizeof msg, "unknown provider '%.60s' (sinch, zapi or connect)", provider);
        return sei_set_error(NULL, SE_E_INVALID, msg);
    }
    se_callback *cb = calloc(1, sizeof *cb);
    if (!cb)
        return SE_E_NOMEM;
    cb->provider = p;
    se_status st = parse_body(body ? body : "", body_len, &cb->root);
    if (st == SE_OK)
        st = p->parse_callback(cb, cb->root);
    if (st == SE_OK && !sei_callback_field(cb, "kind"))
        st = sei_callback_set(cb, "kind", "UNKNOWN");
    if (st == SE_OK && !sei_callback_field(cb, "dedup_key"))
        st = body_key(cb, body ? body : "", body_len);
    if (st != SE_OK) {
        se_callback_free(cb);
        return st == SE_E_NOMEM ? sei_set_error(NULL, st, NULL) : st;
    }
    *out = cb;
    return SE_OK;
}

/* ---- fields ------------------------------------------------------------------------------- */

const char *sei_callback_field(const se_callback *cb, const char *name) {
    for (size_t i = 0; i < cb->n; i++)
        if (!strcmp(cb->fields[i].name, name))
            return cb->fields[i].value;
    return NULL;
}

static se_status set_owned(se_callback *cb, const char *name, char *value) {
    if (!value)
        return SE_E_NOMEM;
    for (size_t i = 0; i < cb->n; i++)
        if (!strcmp(cb->fields[i].name, name)) {
            free(cb->fields[i].value);
            cb->fields[i].value = value;
            return SE_OK;
        }
    if (cb->n == SEI_CALLBACK_MAX_FIELDS) {
        free(value);
        return SE_E_NOMEM;
    }
    cb->fields[cb->n++] = (sei_field){name, value};
    return SE_OK;
}

se_status sei_callback_set(se_callback *cb, const char *name, const char *value) {
    return value ? set_owned(cb, name, sei_strdup(value)) : SE_OK;
}

se_status sei_callback_set_json(se_callback *cb, const char *name, const cJSON *v) {
    if (!v || cJSON_IsNull(v))
        return SE_OK;
    if (cJSON_IsString(v))
        return sei_callback_set(cb, name, v->valuestring);
    char *text = cJSON_PrintUnformatted(v);
    se_status st = set_owned(cb, name, text ? sei_strdup(text) : NULL);
    cJSON_free(text);
    return st;
}

se_status sei_callback_copy(se_callback *cb, const char *name, const cJSON *obj, const char *key) {
    return sei_callback_set_json(cb, name, cJSON_GetObjectItemCaseSensitive(obj, key));
}

void sei_callback_set_item(se_callback *cb, cJSON *item) {
    cJSON_Delete(cb->item);
    cb->item = item;
}

se_status sei_callback_set_key(se_callback *cb, const char *name, const char *const *parts,
                               size_t n) {
    sei_dynbuf b;
    sei_dynbuf_init(&b, 0);
    bool first = true;
    for (size_t i = 0; i < n; i++) {
        if (!parts[i])
            continue;
        if (!first)
            sei_dynbuf_adds(&b, ":");
        sei_dynbuf_adds(&b, parts[i]);
        first = false;
    }
    return set_owned(cb, name, sei_dynbuf_take(&b, NULL));
}

/* ---- the public accessors ------------------------------------------------------------------ */

const char *se_callback_provider(const se_callback *cb) {
    return cb ? cb->provider->name : NULL;
}

const char *se_callback_kind(const se_callback *cb) {
    const char *k = cb ? sei_callback_field(cb, "kind") : NULL;
    return k ? k : "UNKNOWN";
}

const char *se_callback_get(const se_callback *cb, const char *field) {
    return cb && field ? sei_callback_field(cb, field) : NULL;
}

size_t se_callback_field_count(const se_callback *cb) {
    return cb ? cb->n : 0;
}

se_status se_callback_field_at(const se_callback *cb, size_t index, const char **name,
                               const char **value) {
    if (name)
        *name = NULL;
    if (value)
        *value = NULL;
    if (!cb || !name || !value || index >= cb->n)
        return SE_E_MISUSE;
    *name = cb->fields[index].name;
    *value = cb->fields[index].value;
    return SE_OK;
}

se_status se_callback_json(const se_callback *cb, const char *path, char **out) {
    if (!cb || !out)
        return out ? (*out = NULL, SE_E_MISUSE) : SE_E_MISUSE;
    *out = NULL;
    const cJSON *item = cb->item ? cb->item : cb->root, *v = item;
    if (path) {
        bool malformed;
        v = sei_json_path(item, path, &malformed);
        if (malformed)
            return sei_set_error(NULL, SE_E_INVALID, "path: malformed (key, then .key or [n])");
    }
    if (!v)
        return SE_OK; /* no such field: *out stays NULL */
    char *text = cJSON_PrintUnformatted(v);
    if (!text)
        return SE_E_NOMEM;
    *out = sei_strdup(text); /* handed out for se_free(), which is plain free() */
    cJSON_free(text);
    return *out ? SE_OK : SE_E_NOMEM;
}
