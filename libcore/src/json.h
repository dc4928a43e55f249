/* json.h - the JSON module: the one place that reads and writes JSON text
 * beside cJSON.
 *
 *   json_text.c    the request text on the send path: the strict scan, the
 *                  tree built in one pass, long numbers kept exactly
 *   json_object.c  answers read without a tree, splicing an object's text
 *   json_check.c   whole strings (NUL, UTF-8) and nesting of a request
 *   json_writer.c  sei_json_writer: JSON text on a sei_dynbuf
 *   json_reader.c  sei_json_reader: a pull reader the faces build values with
 *
 * The writer and the reader need nothing but dynbuf.c: they are also linked
 * into the command line tool (CMake's sendevent_json object library). */
#ifndef SEI_JSON_H
#define SEI_JSON_H

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "diag.h"
#include "dynbuf.h"
#include "sendevent/common.h"

/* Requests and responses nest at most this deep (objects and arrays): deeper
 * ones are refused (SE_E_INVALID, SE_E_PROTOCOL), as every face can then
 * convert them without running out of stack. */
#define SEI_JSON_MAX_DEPTH 128

/* ---- the request text (json_text.c, json_object.c, json_check.c) ------------------
 * The text of these functions must be NUL-terminated at text[len]. */

/* What a pass over the request text finds. */
typedef struct sei_json_text {
    bool strict;       /* strict JSON: may be sent exactly as written */
    bool long_numbers; /* a number has more digits than a double holds */
    bool nul_escape;   /* a string holds \u0000 (set by sei_json_parse_strict only) */
} sei_json_text;
sei_json_text sei_json_scan(const char *text, size_t len);
/* The tree of text[0..len) when it is strict JSON, as cJSON would parse it but
 * with one allocation per item: keys and strings are written, unescaped, into
 * `strings` (len + 1 bytes, to outlive the tree) as cJSON "const" keys and
 * "reference" strings, and long numbers carry their literal (below). *info
 * says what sei_json_scan would. NULL, with info->strict false, when the text
 * is not strict JSON, nests deeper than 64 or memory runs out: parse it with
 * cJSON then. */
cJSON *sei_json_parse_strict(const char *text, size_t len, char *strings, sei_json_text *info);
/* Attaches the literal text to numbers with more digits than a double holds. */
se_status sei_json_mark_long_numbers(cJSON *root, const char *text, size_t len);
/* Turns the marked numbers into raw items, printed as the caller wrote them. */
void sei_json_raw_long_numbers(cJSON *root);
/* The text of a JSON object (strict, as sei_json_scan found it) without its
 * top-level member `drop` and with the member text `add` (or NULL) appended: a
 * copy to free(), its length in *out_len. NULL when out of memory, when a key
 * is written with escapes (it might spell `drop`) or the text is not one plain
 * object (nesting deeper than 64): print the tree instead. */
char *sei_json_splice(const char *text, size_t len, const char *drop, const char *add,
                      size_t *out_len);
/* A top-level member looked for by sei_json_read_object. */
typedef struct sei_json_want {
    const char *key;   /* in: the member's name */
    bool found;        /* out: whether the object has it (the first, as cJSON would) */
    const char *value; /* out: its JSON text, in the text read (a string with its quotes) */
    size_t len;
} sei_json_want;
/* Whether text[0..len) is one strict JSON object, read without building a
 * tree, filling `want`. false also for what it leaves to cJSON: keys written
 * with escapes, nesting deeper than 64. */
bool sei_json_read_object(const char *text, size_t len, sei_json_want *want, size_t n_want);
/* Checks every string of the request text whole: a \u0000 escape (cJSON, and
 * so the checks, would see the value cut there) or bytes that are not UTF-8
 * fail naming the field (and the byte offset); so does nesting deeper than
 * SEI_JSON_MAX_DEPTH. SE_OK or SE_E_INVALID with d filled. */
se_status sei_json_check_text(const char *text, size_t len, sei_diag *d);
/* Whether text[0..len) is ASCII only: then sei_json_check_text can only fail on
 * a \u0000 escape or the depth, which a strict parse (nul_escape, its own
 * depth limit of 64) already tells. Eight bytes at a time. */
bool sei_json_is_ascii(const char *text, size_t len);
/* Whether the JSON text nests objects and arrays deeper than limit. */
bool sei_json_deeper_than(const char *text, size_t len, int limit);

/* ---- the writer (json_writer.c) ----------------------------------------------------
 * Compact JSON (no blanks) appended to a sei_dynbuf. Commas and colons are the
 * writer's business; the caller says what comes in document order. Strings
 * are checked to be UTF-8 and escaped as Python's json (ensure_ascii=False)
 * and cJSON write them: \" \\ \n \r \t \b \f, other bytes below 0x20 as
 * \u00xx, the rest as they are. Every call returns SE_OK or the first failure,
 * which sticks (later calls return it and write nothing): SE_E_INVALID (too
 * deep, not UTF-8, not a number), SE_E_NOMEM, SE_E_PROTOCOL (the buffer's cap). */
typedef struct sei_json_writer {
    sei_dynbuf *out;
    int depth;         /* containers open */
    int max_depth;     /* a begin with this many open fails */
    bool comma;        /* a value was written at this level: the next needs a comma */
    se_status error;   /* the first failure, SE_OK until then */
    size_t bad_offset; /* SE_E_INVALID from a string: the offset of its first bad byte */
} sei_json_writer;

/* Writes to `out` (appending to what it holds); max_depth 0 means SEI_JSON_MAX_DEPTH. */
void sei_json_writer_init(sei_json_writer *w, sei_dynbuf *out, int max_depth);
se_status sei_json_begin_object(sei_json_writer *w);
se_status sei_json_end_object(sei_json_writer *w);
se_status sei_json_begin_array(sei_json_writer *w);
se_status sei_json_end_array(sei_json_writer *w);
/* A member's key (s[0..n), UTF-8); its value is the next thing written. */
se_status sei_json_key(sei_json_writer *w, const char *s, size_t n);
se_status sei_json_string(sei_json_writer *w, const char *s, size_t n);
se_status sei_json_int(sei_json_writer *w, int64_t v);
/* A number given as its text (a big integer's decimal digits, a language's own
 * float text): written as it is when it is a JSON number, else SE_E_INVALID. */
se_status sei_json_number_text(sei_json_writer *w, const char *s, size_t n);
/* A double as the shortest of %.15g, %.16g, %.17g that reads back as the same
 * double ('.' whatever the locale); NaN and infinities are SE_E_INVALID. */
se_status sei_json_double(sei_json_writer *w, double v);
se_status sei_json_bool(sei_json_writer *w, bool v);
se_status sei_json_null(sei_json_writer *w);
/* A whole JSON value given as text, written as it is (the caller vouches for it). */
se_status sei_json_raw(sei_json_writer *w, const char *s, size_t n);

/* ---- the reader (json_reader.c) ----------------------------------------------------
 * Strict JSON (RFC 8259; one value, blanks around it) read one event at a
 * time. Strings are unescaped (surrogate pairs joined, lone ones refused);
 * their bytes are otherwise taken as they are, not checked to be UTF-8.
 *
 *   sei_json_reader r;
 *   sei_json_reader_init(&r, text, len, 0);
 *   for (sei_json_event e; (e = sei_json_next(&r)) > SEI_JSON_EOF;) ...
 *   sei_json_reader_free(&r);
 */
typedef enum sei_json_event {
    SEI_JSON_ERROR = -1, /* r->error says what, r->offset where; every later call says it again */
    SEI_JSON_EOF = 0,    /* the value and the blanks after it were read */
    SEI_JSON_BEGIN_OBJECT,
    SEI_JSON_END_OBJECT,
    SEI_JSON_BEGIN_ARRAY,
    SEI_JSON_END_ARRAY,
    SEI_JSON_KEY,    /* str, len: the key, unescaped */
    SEI_JSON_STRING, /* str, len: the string, unescaped */
    SEI_JSON_NUMBER, /* str, len: its literal text; integer: no fraction, no exponent */
    SEI_JSON_TRUE,
    SEI_JSON_FALSE,
    SEI_JSON_NULL,
} sei_json_event;

#define SEI_JSON_READER_MAX_DEPTH 256 /* the most a reader can be asked to allow */

typedef struct sei_json_reader {
    const unsigned char *start, *p, *end;
    int depth;          /* containers open */
    int max_depth;      /* a begin with this many open is an error */
    int state;          /* what may come next (json_reader.c) */
    const char *str;    /* KEY, STRING, NUMBER: the text (NUL-terminated, until the next call) */
    size_t len;         /* ... and its length */
    bool integer;       /* NUMBER: written without fraction and exponent */
    const char *error;  /* ERROR: static text ("unexpected character", ...) */
    size_t offset;      /* ERROR: the byte offset in the text */
    sei_dynbuf scratch; /* unescaped strings */
    uint64_t arrays[SEI_JSON_READER_MAX_DEPTH / 64]; /* bit per level: an array is open there */
} sei_json_reader;

/* Reads text[0..len), which must be NUL-terminated at text[len]; max_depth 0 means
 * SEI_JSON_MAX_DEPTH, at most SEI_JSON_READER_MAX_DEPTH. */
void sei_json_reader_init(sei_json_reader *r, const char *text, size_t len, int max_depth);
sei_json_event sei_json_next(sei_json_reader *r);
void sei_json_reader_free(sei_json_reader *r);
/* Writes the value part of event e, which reader r has just read, with w: a
 * reader's events written back give the text again, compact (a round trip). */
se_status sei_json_write_event(sei_json_writer *w, const sei_json_reader *r, sei_json_event e);

#endif
