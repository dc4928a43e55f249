/* json_numbers.c - keeps the caller's digits for numbers a double cannot hold.
 *
 * cJSON parses every number into a double, so an id such as
 * 12345678901234567890 or 2^53+1 would reach the wire rounded. Before
 * validation, numbers whose literal has more than 15 digits get that literal
 * attached (in valuestring, unused by number items and freed by cJSON_Delete);
 * after validation they become raw items, printed exactly as the caller wrote
 * them. Validation still sees their (rounded) numeric value. */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

#define SE_EXACT_DIGITS 15 /* a double holds any 15 significant digits exactly */

/* Next number literal in JSON text at or after *p (strings skipped); NULL at the end. */
static const char *next_number(const char **p, const char *end, size_t *len, size_t *digits) {
    const char *s = *p;
    while (s < end) {
        if (*s == '"') { /* skip a string with its escapes */
            for (s++; s < end && *s != '"'; s++)
                if (*s == '\\')
                    s++;
            s++;
        } else if (*s == '-' || (*s >= '0' && *s <= '9')) {
            const char *start = s;
            *digits = 0;
            bool exponent = false; /* exponent digits add no precision */
            while (s < end && *s && strchr("+-.eE0123456789", *s)) {
                if (*s == 'e' || *s == 'E')
                    exponent = true;
                else if (*s >= '0' && *s <= '9' && !exponent)
                    (*digits)++;
                s++;
            }
            *len = (size_t)(s - start);
            *p = s;
            return start;
        } else {
            s++;
        }
    }
    *p = end;
    return NULL;
}

/* Whether the text has any number literal longer than a double holds. */
static bool has_long_number(const char *text, size_t len) {
    const char *p = text, *end = text + len;
    size_t n, digits;
    while (next_number(&p, end, &n, &digits))
        if (digits > SE_EXACT_DIGITS)
            return true;
    return false;
}

typedef struct cursor {
    const char *p, *end;
} cursor;

/* Walks the tree in document order, pairing each number item with its literal. */
static se_status mark(cJSON *item, cursor *cur) {
    for (; item; item = item->next) {
        if (cJSON_IsNumber(item)) {
            size_t n, digits;
            const char *lit = next_number(&cur->p, cur->end, &n, &digits);
            if (lit && digits > SE_EXACT_DIGITS && !item->valuestring) {
                if (!(item->valuestring = se_strndup(lit, n)))
                    return SE_E_NOMEM;
            }
        } else if (item->child) {
            se_status st = mark(item->child, cur);
            if (st != SE_OK)
                return st;
        }
    }
    return SE_OK;
}

se_status se_json_mark_long_numbers(cJSON *root, const char *text, size_t len, bool *marked) {
    *marked = has_long_number(text, len);
    if (!*marked)
        return SE_OK;
    cursor cur = {text, text + len};
    return mark(root, &cur);
}

void se_json_raw_long_numbers(cJSON *item) {
    for (; item; item = item->next) {
        if (cJSON_IsNumber(item) && item->valuestring)
            item->type = cJSON_Raw; /* printed verbatim: the caller's digits */
        else if (item->child)
            se_json_raw_long_numbers(item->child);
    }
}
