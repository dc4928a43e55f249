/* json_check.c - whole-string checks of a request's text (NUL, UTF-8,
 * nesting), and the nesting of an answer. */
#include <stdio.h>
#include <string.h>

#include "json.h"
#include "json_lex.h"
#include "scan.h"

/* One open container on the way to the current value. */
typedef struct frame {
    bool array;
    size_t index;             /* array: the current element */
    const unsigned char *key; /* object: the current member's key text (after its quote) */
    size_t key_len;
} frame;

/* Writes the path of the value inside frames[0..depth) ("event.name",
 * "choices[2]", "request" for the top) into out; keys are shown as written,
 * bytes that are not printable ASCII as '?'. */
static void path_text(const frame *frames, size_t depth, char *out, size_t cap) {
    size_t w = 0;
    out[0] = '\0';
    for (size_t i = 0; i < depth && w + 1 < cap; i++) {
        if (frames[i].array) {
            w += (size_t)snprintf(out + w, cap - w, "[%zu]", frames[i].index);
        } else if (frames[i].key) {
            if (w && w + 1 < cap)
                out[w++] = '.';
            for (size_t k = 0; k < frames[i].key_len && w + 1 < cap; k++) {
                unsigned char c = frames[i].key[k];
                out[w++] = c >= 0x20 && c < 0x7f ? (char)c : '?';
            }
            out[w] = '\0';
        }
        if (w >= cap)
            w = cap - 1;
    }
    if (!out[0])
        snprintf(out, cap, "request");
    else if (w + 1 >= cap && cap > 4)
        memcpy(out + cap - 4, "...", 4);
}

/* Checks the string whose opening quote is at *p; moves *p past it. Fails
 * (naming the path) on a \u0000 escape or bytes that are not UTF-8. */
static se_status check_string(const unsigned char **p, const unsigned char *start,
                              const unsigned char *end, const frame *frames, size_t depth,
                              bool is_key, sei_diag *d) {
    const unsigned char *s = *p + 1;
    const char *what = is_key ? "key" : "value";
    while (s < end && *s != '"') {
        size_t n = 1;
        if (*s == '\\') {
            if (end - s >= 6 && s[1] == 'u' && !memcmp(s + 2, "0000", 4)) {
                char path[160];
                path_text(frames, depth, path, sizeof path);
                return sei_diag_fail(d,
                                     "%s: %s contains a NUL character (\\u0000), which no "
                                     "provider accepts",
                                     path, what);
            }
            n = s + 1 < end ? 2 : 1;
        } else if (*s >= 0x80 && !(n = sei_json_utf8_len(s, end))) {
            char path[160];
            path_text(frames, depth, path, sizeof path);
            return sei_diag_fail(d, "%s: %s is not valid UTF-8 (byte %zu of the request)", path,
                                 what, (size_t)(s - start));
        }
        s += n;
    }
    *p = s < end ? s + 1 : end;
    return SE_OK;
}

/* The walk behind sei_json_check_text, for text the quick look flagged. */
static se_status check_walk(const unsigned char *start, const unsigned char *end, sei_diag *d) {
    frame frames[SEI_JSON_MAX_DEPTH + 1];
    size_t depth = 0;
    bool want_key = false; /* the next string in an object is a key */
    for (const unsigned char *p = start; p < end;) {
        unsigned char c = *p;
        if (c == '"') {
            bool is_key = want_key && depth && !frames[depth - 1].array;
            const unsigned char *q = p;
            /* a key names the member it opens: checked as part of its own path */
            if (is_key) {
                frames[depth - 1].key = p + 1;
                const unsigned char *k = p + 1;
                while (k < end && *k != '"')
                    k += *k == '\\' && k + 1 < end ? 2 : 1;
                frames[depth - 1].key_len = (size_t)(k - (p + 1));
            }
            se_status st = check_string(&q, start, end, frames, depth, is_key, d);
            if (st != SE_OK)
                return st;
            p = q;
            want_key = false;
            continue;
        }
        if (c == '{' || c == '[') {
            if (depth == SEI_JSON_MAX_DEPTH) {
                char path[160];
                path_text(frames, depth, path, sizeof path);
                return sei_diag_fail(d, "%s: nested deeper than %d levels", path,
                                     SEI_JSON_MAX_DEPTH);
            }
            frames[depth++] = (frame){c == '[', 0, NULL, 0};
            want_key = c == '{';
        } else if ((c == '}' || c == ']') && depth) {
            depth--;
        } else if (c == ',' && depth) {
            if (frames[depth - 1].array)
                frames[depth - 1].index++;
            else
                want_key = true;
        } else if (c >= 0x80) { /* outside strings: a byte-order mark, or what cJSON refuses */
            size_t n = sei_json_utf8_len(p, end);
            if (!n) {
                char path[160];
                path_text(frames, depth, path, sizeof path);
                return sei_diag_fail(d, "%s: not valid UTF-8 (byte %zu of the request)", path,
                                     (size_t)(p - start));
            }
            p += n;
            continue;
        }
        p++;
    }
    return SE_OK;
}

se_status sei_json_check_text(const char *text, size_t len, sei_diag *d) {
    /* the usual request: ASCII, no \u0000, few containers; one quick look,
     * eight bytes at a time where a word holds none of the bytes that matter */
    const unsigned char *s = (const unsigned char *)text, *end = s + len;
    size_t opens = 0;
    for (const unsigned char *p = s; p < end;) {
        uint64_t x;
        if (end - p >= 8 && (memcpy(&x, p, 8), !((x & SEI_SCAN_HIGHS) | sei_scan_has(x, '\\') |
                                                 sei_scan_has(x, '{') | sei_scan_has(x, '[')))) {
            p += 8;
            continue;
        }
        for (const unsigned char *stop = end - p >= 8 ? p + 8 : end; p < stop; p++) {
            unsigned char c = *p;
            if (c >= 0x80 ||
                (c == '\\' && end - p >= 6 && p[1] == 'u' && !memcmp(p + 2, "0000", 4)))
                return check_walk(s, end, d);
            if ((c == '{' || c == '[') && ++opens > SEI_JSON_MAX_DEPTH)
                return check_walk(s, end, d);
        }
    }
    return SE_OK;
}

bool sei_json_deeper_than(const char *text, size_t len, int limit) {
    int depth = 0;
    for (const unsigned char *p = (const unsigned char *)text, *end = p + len; p < end; p++) {
        if (*p == '"') {
            for (p++; p < end && *p != '"'; p++)
                if (*p == '\\')
                    p++;
        } else if (*p == '{' || *p == '[') {
            if (++depth > limit)
                return true;
        } else if (*p == '}' || *p == ']') {
            depth--;
        }
    }
    return false;
}
