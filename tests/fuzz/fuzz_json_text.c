/* fuzz_json_text.c - the request-text scan and splice (json_text.c), which
 * decide what goes on the wire when the caller's text is sent as written.
 * For any text cJSON parses as a whole: the scan never calls text strict that holds a
 * byte-order mark or a raw control character other than blanks; and for an
 * object it calls strict, a splice that succeeds parses back to that object
 * without the dropped member and with the added one. And reading an answer
 * without a tree (sei_json_read_object) agrees with cJSON on every text it
 * accepts: cJSON parses an object with the same members found, and the same
 * string contents. The strict tree builder (sei_json_parse_strict) makes a tree
 * only of text the scan calls strict, and exactly the tree cJSON makes of it.
 * The module's reader and writer (sei_json_*): the reader accepts whatever the
 * strict builder does; what it reads, the writer writes back (unless a string
 * is not UTF-8) as text that cJSON reads as the same tree and that reads and
 * writes back to itself; neither goes past its depth limit. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* Validation refuses repeated keys before a splice; compared by key, they would clash. */
static bool unique_keys(const cJSON *obj) {
    for (const cJSON *a = obj->child; a; a = a->next)
        for (const cJSON *b = obj->child; b != a; b = b->next)
            if (!strcmp(a->string, b->string))
                return false;
    return !cJSON_GetObjectItemCaseSensitive(obj, "Z"); /* the key the splice adds */
}

static const char ADD[] = "\"Z\":[1,\"}\\\"\",{\"k\":null}]";

/* sei_json_read_object against cJSON on the same text. */
static void check_reader(const char *s, size_t len) {
    sei_json_want want[] = {{.key = "K"}, {.key = "id"}, {.key = "value"}, {.key = ""}};
    size_t n = sizeof want / sizeof want[0];
    if (!sei_json_read_object(s, len, want, n))
        return;
    cJSON *tree = cJSON_ParseWithLength(s, len);
    if (!cJSON_IsObject(tree))
        abort();
    for (size_t i = 0; i < n; i++) {
        const cJSON *item = cJSON_GetObjectItemCaseSensitive(tree, want[i].key);
        if (want[i].found != (item != NULL))
            abort();
        if (item && cJSON_IsString(item) != (want[i].value[0] == '"'))
            abort();
        if (item && cJSON_IsString(item) && !memchr(want[i].value, '\\', want[i].len) &&
            (strlen(item->valuestring) != want[i].len - 2 ||
             memcmp(item->valuestring, want[i].value + 1, want[i].len - 2)))
            abort();
    }
    cJSON_Delete(tree);
}

/* Same items, keys, strings and numbers (bit for bit), in the same order. */
static bool same_tree(const cJSON *a, const cJSON *b) {
    for (; a || b; a = a->next, b = b->next) {
        if (!a || !b || (a->type & 0xFF) != (b->type & 0xFF) || !a->string != !b->string ||
            (a->string && strcmp(a->string, b->string)))
            return false;
        if (cJSON_IsString(a) && strcmp(a->valuestring, b->valuestring))
            return false;
        if (cJSON_IsNumber(a) && (memcmp(&a->valuedouble, &b->valuedouble, sizeof(double)) ||
                                  a->valueint != b->valueint))
            return false;
        if (!same_tree(a->child, b->child))
            return false;
    }
    return true;
}

/* sei_json_parse_strict: a tree only for strict text (as the scan finds it),
 * the tree cJSON makes of it, long numbers with their literal. */
static void check_strict_parse(const char *s, size_t len, sei_json_text scan) {
    char *strings = malloc(len + 1);
    sei_json_text t;
    cJSON *ours = sei_json_parse_strict(s, len, strings, &t);
    if (!ours) {
        if (t.strict)
            abort();
        free(strings);
        return;
    }
    const char *end = NULL;
    cJSON *theirs = cJSON_ParseWithLengthOpts(s, len, &end, false);
    if (!theirs || end[strspn(end, " \t\r\n")] || !scan.strict || !t.strict ||
        t.long_numbers != scan.long_numbers || !same_tree(ours, theirs))
        abort();
    if (t.long_numbers) { /* the literal is attached as the marking pass would */
        if (sei_json_mark_long_numbers(theirs, s, len) != SE_OK)
            abort();
        sei_json_raw_long_numbers(ours);
        sei_json_raw_long_numbers(theirs);
        char *a = cJSON_PrintUnformatted(ours), *b = cJSON_PrintUnformatted(theirs);
        if (!a || !b || strcmp(a, b))
            abort();
        cJSON_free(a);
        cJSON_free(b);
    }
    cJSON_Delete(ours); /* leaves the keys and strings in `strings` alone */
    cJSON_Delete(theirs);
    free(strings);
}

/* The reader's events written back with the writer: SE_OK and the text in
 * out, or the failure (SEI_JSON_ERROR from the reader is SE_E_PROTOCOL). */
static se_status rewrite(const char *s, size_t len, sei_dynbuf *out) {
    sei_json_reader r;
    sei_json_writer w;
    sei_json_event e;
    sei_dynbuf_init(out, 0);
    sei_json_writer_init(&w, out, 0);
    sei_json_reader_init(&r, s, len, 0);
    while ((e = sei_json_next(&r)) > SEI_JSON_EOF) {
        if (r.depth > SEI_JSON_MAX_DEPTH || w.depth > SEI_JSON_MAX_DEPTH)
            abort();
        se_status st = sei_json_write_event(&w, &r, e);
        if (e == SEI_JSON_NUMBER && st != SE_OK && w.error != SE_E_INVALID)
            abort(); /* the reader's literals are JSON numbers */
    }
    if (e == SEI_JSON_ERROR && r.offset > len)
        abort();
    sei_json_reader_free(&r);
    if (e == SEI_JSON_ERROR)
        return SE_E_PROTOCOL;
    if (w.error == SE_OK && w.depth != 0)
        abort();
    return w.error;
}

static bool valid_utf8(const char *s, size_t len) {
    sei_dynbuf b;
    sei_json_writer w;
    sei_dynbuf_init(&b, 0);
    sei_json_writer_init(&w, &b, 0);
    bool ok = sei_json_string(&w, s, len) == SE_OK;
    sei_dynbuf_free(&b);
    return ok;
}

static void check_round_trip(const char *s, size_t len) {
    sei_dynbuf once, twice;
    se_status st = rewrite(s, len, &once);
    char *strings = malloc(len + 1);
    sei_json_text t;
    cJSON *strict = sei_json_parse_strict(s, len, strings, &t);
    if (strict && st == SE_E_PROTOCOL)
        abort(); /* the reader refused strict text */
    cJSON_Delete(strict);
    free(strings);
    if (st == SE_E_INVALID && valid_utf8(s, len))
        abort(); /* the writer refused a string though the text is UTF-8 */
    if (st != SE_OK) {
        if (st != SE_E_INVALID && st != SE_E_PROTOCOL)
            abort();
        sei_dynbuf_free(&once);
        return;
    }
    if (rewrite(sei_dynbuf_ptr(&once), sei_dynbuf_len(&once), &twice) != SE_OK ||
        strcmp(sei_dynbuf_ptr(&once), sei_dynbuf_ptr(&twice)))
        abort();
    cJSON *a = cJSON_ParseWithLength(s, len), *b = cJSON_Parse(sei_dynbuf_ptr(&once));
    if (!a || !b || !same_tree(a, b))
        abort();
    cJSON_Delete(a);
    cJSON_Delete(b);
    sei_dynbuf_free(&once);
    sei_dynbuf_free(&twice);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    char *s = malloc(size + 1);
    memcpy(s, data, size);
    s[size] = '\0';
    check_reader(s, size);     /* answers may hold anything: the whole input */
    check_round_trip(s, size); /* NUL-terminated at size, maybe holding NULs */
    size_t len = strlen(s);    /* requests are NUL-terminated text */
    sei_json_text t = sei_json_scan(s, len);
    check_strict_parse(s, len, t);
    const char *end = NULL;
    cJSON *tree = cJSON_ParseWithLengthOpts(s, len, &end, false);
    if (tree && !(end && !end[strspn(end, " \t\r\n")])) {
        cJSON_Delete(tree); /* text after the value: the library refuses it before this */
        tree = NULL;
    }
    if (tree && t.strict) {
        if (len >= 3 && !memcmp(s, "\xEF\xBB\xBF", 3))
            abort();
        for (size_t i = 0; i < len; i++)
            if ((unsigned char)s[i] < 0x20 && s[i] != ' ' && s[i] != '\t' && s[i] != '\n' &&
                s[i] != '\r')
                abort();
    }
    if (tree && t.strict && cJSON_IsObject(tree) && unique_keys(tree)) {
        size_t n = 0;
        char *out = sei_json_splice(s, len, "K", ADD, &n);
        if (out) {
            cJSON *got = cJSON_Parse(out);
            while (cJSON_GetObjectItemCaseSensitive(tree, "K"))
                cJSON_DeleteItemFromObjectCaseSensitive(tree, "K");
            cJSON_AddItemToObject(tree, "Z", cJSON_Parse(ADD + 4));
            /* printed, not cJSON_Compare'd: it calls 1e999 and 1e999 different */
            char *a = got ? cJSON_PrintUnformatted(got) : NULL, *b = cJSON_PrintUnformatted(tree);
            if (n != strlen(out) || !a || !b || strcmp(a, b))
                abort();
            cJSON_free(a);
            cJSON_free(b);
            cJSON_Delete(got);
            free(out);
        }
    }
    cJSON_Delete(tree);
    free(s);
    return 0;
}
