/*
 * json_text.h - what the request text says that its cJSON tree does not
 * (json_text.c): strictness, long numbers, a tree built in one pass,
 * splicing, reading without a tree, the whole-string and depth checks.
 */
#ifndef SE_JSON_TEXT_H
#define SE_JSON_TEXT_H

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stddef.h>

#include "diag.h"

/* What a pass over the request text finds (json_text.c). The text of these
 * functions must be NUL-terminated at text[len]. */
typedef struct se_json_text {
    bool strict;       /* strict JSON: may be sent exactly as written */
    bool long_numbers; /* a number has more digits than a double holds */
} se_json_text;
se_json_text se_json_scan(const char *text, size_t len);
/* The tree of text[0..len) when it is strict JSON, as cJSON would parse it but
 * with one allocation per item: keys and strings are written, unescaped, into
 * `strings` (len + 1 bytes, to outlive the tree) as cJSON "const" keys and
 * "reference" strings, and long numbers carry their literal (below). *info
 * says what se_json_scan would. NULL, with info->strict false, when the text
 * is not strict JSON, nests deeper than 64 or memory runs out: parse it with
 * cJSON then. */
cJSON *se_json_parse_strict(const char *text, size_t len, char *strings, se_json_text *info);
/* Attaches the literal text to numbers with more digits than a double holds. */
se_status se_json_mark_long_numbers(cJSON *root, const char *text, size_t len);
/* The text of a JSON object (strict, as se_json_scan found it) without its
 * top-level member `drop` and with the member text `add` (or NULL) appended: a
 * copy to free(), its length in *out_len. NULL when out of memory, when a key
 * is written with escapes (it might spell `drop`) or the text is not one plain
 * object (nesting deeper than 64): print the tree instead. */
char *se_json_splice(const char *text, size_t len, const char *drop, const char *add,
                     size_t *out_len);
/* A top-level member looked for by se_json_read_object. */
typedef struct se_json_want {
    const char *key;   /* in: the member's name */
    bool found;        /* out: whether the object has it (the first, as cJSON would) */
    const char *value; /* out: its JSON text, in the text read (a string with its quotes) */
    size_t len;
} se_json_want;
/* Whether text[0..len) is one strict JSON object, read without building a
 * tree, filling `want`. false also for what it leaves to cJSON: keys written
 * with escapes, nesting deeper than 64. */
bool se_json_read_object(const char *text, size_t len, se_json_want *want, size_t n_want);
/* Turns the marked numbers into raw items, printed as the caller wrote them. */
void se_json_raw_long_numbers(cJSON *root);
/* Requests and responses nest at most this deep (objects and arrays): deeper
 * ones are refused (SE_E_INVALID, SE_E_PROTOCOL), as every face can then
 * convert them without running out of stack. */
#define SE_JSON_MAX_DEPTH 128
/* Checks every string of the request text whole: a \u0000 escape (cJSON, and
 * so the checks, would see the value cut there) or bytes that are not UTF-8
 * fail naming the field (and the byte offset); so does nesting deeper than
 * SE_JSON_MAX_DEPTH. SE_OK or SE_E_INVALID with d filled. */
se_status se_json_check_text(const char *text, size_t len, se_diag *d);
/* Whether the JSON text nests objects and arrays deeper than limit. */
bool se_json_deeper_than(const char *text, size_t len, int limit);

#endif
