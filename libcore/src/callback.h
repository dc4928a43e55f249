/*
 * callback.h - reading callbacks (callback.c: se_callback_*): what a
 * provider's parse_callback hook (provider.h) fills in.
 *
 * A callback holds its parsed JSON, the item its fields are read from (the
 * whole body, or what a provider puts there instead: Connect's chat item,
 * parsed from the frame's content) and its normalized fields, each a copied
 * string. "kind" is always set ("UNKNOWN" unless the provider says); the core
 * adds "dedup_key" from the body's SHA-256 when the provider gives none.
 */
#ifndef SEI_CALLBACK_H
#define SEI_CALLBACK_H

#include <cjson/cJSON.h>

#include "sendevent/webhook.h"

#define SEI_CALLBACK_MAX_FIELDS 40

/* Sets field `name` (a static string) to a copy of value[0..strlen); a NULL
 * value leaves the field unset. Setting it again replaces it. SE_OK or
 * SE_E_NOMEM (more than SEI_CALLBACK_MAX_FIELDS fields too). */
se_status sei_callback_set(se_callback *cb, const char *name, const char *value);
/* Sets field `name` from a JSON value: a string as it is, a number or a
 * boolean as its JSON text, an object or array as compact JSON; NULL or null
 * leaves the field unset. */
se_status sei_callback_set_json(se_callback *cb, const char *name, const cJSON *v);
/* The member `key` of obj as a field (sei_callback_set_json), when present. */
se_status sei_callback_copy(se_callback *cb, const char *name, const cJSON *obj, const char *key);
/* Makes `item` (a tree of its own, which the callback now owns) what
 * se_callback_json reads. */
void sei_callback_set_item(se_callback *cb, cJSON *item);
/* A field set so far, or NULL. */
const char *sei_callback_field(const se_callback *cb, const char *name);
/* Joins up to 8 strings (NULL ones skipped) with ':' into field `name`. */
se_status sei_callback_set_key(se_callback *cb, const char *name, const char *const *parts,
                               size_t n);

#endif
