/*
 * json_path.h - the one reader of dotted paths with [n] indexes
 * ("message.choices[0].text"), for se_response_get and the se_request_*
 * builder (json_path.c).
 *
 * Syntax: a key first, then steps, each ".key" or "[n]": a key is one or
 * more bytes other than '.' and '['; n is decimal digits only. Nothing else:
 * no empty key, no sign or blank in an index, no key straight after ']'.
 * sei_json_path also takes a path that starts with an index ("[0].a").
 */
#ifndef SEI_JSON_PATH_H
#define SEI_JSON_PATH_H

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stddef.h>

/* One step of a path: a key (key != NULL, len > 0) or an array index. */
typedef struct sei_path_step {
    const char *key;
    size_t len;
    long index;
} sei_path_step;

/* Reads the step at *p and advances past it; false when the path is malformed
 * there. `first`: the step opens the path (no '.' before a key). */
bool sei_path_next(const char **p, sei_path_step *s, bool first);
/* Whether the whole path is well formed (first step a key unless index_first). */
bool sei_path_valid(const char *path, bool index_first);
/* obj's member named by a key step (the first, as cJSON finds), or NULL. */
cJSON *sei_path_member(const cJSON *obj, const sei_path_step *s);

/* JSON value at a dotted path with [n] indexes; NULL when absent or malformed. */
cJSON *sei_json_path(const cJSON *root, const char *path, bool *malformed);
/* The same, and the value's container in *parent (NULL when not found). */
cJSON *sei_json_path_in(const cJSON *root, const char *path, bool *malformed, cJSON **parent);

#endif
