/* test_util.c - the library's building blocks on their own: the capped
 * growable buffer (sei_dynbuf), references that carry their destructor
 * (sei_bufref), the one dotted-path parser (json_path.h) and the built
 * request's release of what it holds. */
#include <stdlib.h>
#include <string.h>

#include "bufref.h"
#include "check.h"
#include "dynbuf.h"
#include "http_request.h"
#include "json_path.h"
#include "sendevent/sendevent.h"

static void test_dynbuf_append_and_take(void) {
    sei_dynbuf b;
    sei_dynbuf_init(&b, 0);
    CHECK_STR(sei_dynbuf_ptr(&b), ""); /* empty: "" without an allocation */
    CHECK(b.data == NULL);
    CHECK_INT(sei_dynbuf_add(&b, "abc", 3), SE_OK);
    CHECK_INT(sei_dynbuf_addc(&b, '-'), SE_OK);
    CHECK_INT(sei_dynbuf_adds(&b, "def"), SE_OK);
    CHECK_INT(sei_dynbuf_printf(&b, "[%d:%s]", 42, "x"), SE_OK);
    CHECK_STR(sei_dynbuf_ptr(&b), "abc-def[42:x]");
    CHECK_INT(sei_dynbuf_len(&b), 13);
    for (int i = 0; i < 1000; i++) /* grows past its first allocation */
        sei_dynbuf_addc(&b, 'z');
    CHECK_INT(sei_dynbuf_len(&b), 1013);
    CHECK_INT(b.data[1013], '\0');
    size_t len = 0;
    char *taken = sei_dynbuf_take(&b, &len);
    CHECK_INT(len, 1013);
    CHECK(taken && !strncmp(taken, "abc-def[42:x]zzz", 16));
    free(taken);
    CHECK(b.data == NULL && sei_dynbuf_len(&b) == 0); /* left empty, usable again */
    taken = sei_dynbuf_take(&b, &len);                /* an empty buffer gives "" */
    CHECK_STR(taken, "");
    CHECK_INT(len, 0);
    free(taken);
    sei_dynbuf_free(&b);
}

static void test_dynbuf_cap(void) {
    sei_dynbuf b;
    sei_dynbuf_init(&b, 8);
    CHECK_INT(sei_dynbuf_adds(&b, "12345678"), SE_OK); /* exactly the cap */
    CHECK_STR(sei_dynbuf_ptr(&b), "12345678");
    CHECK_INT(sei_dynbuf_addc(&b, '9'), SE_E_PROTOCOL); /* one past: the buffer fails */
    CHECK(b.data == NULL && sei_dynbuf_len(&b) == 0);   /* freed */
    CHECK_INT(b.error, SE_E_PROTOCOL);
    CHECK_INT(sei_dynbuf_adds(&b, ""), SE_E_PROTOCOL); /* and every later append fails */
    CHECK(sei_dynbuf_take(&b, NULL) == NULL);
    sei_dynbuf_reset(&b); /* usable again, with the same cap */
    CHECK_INT(b.error, SE_OK);
    CHECK_INT(sei_dynbuf_printf(&b, "%s", "123456789"), SE_E_PROTOCOL);
    sei_dynbuf_reset(&b);
    CHECK_INT(sei_dynbuf_printf(&b, "%s", "1234"), SE_OK);
    CHECK_INT(sei_dynbuf_reserve(&b, 5), SE_E_PROTOCOL);
    sei_dynbuf_free(&b);
    CHECK_INT(b.max, 8); /* free keeps the cap */

    sei_dynbuf z = {0}; /* a zeroed buffer has the default cap */
    CHECK_INT(sei_dynbuf_adds(&z, "zeroed"), SE_OK);
    CHECK_STR(sei_dynbuf_ptr(&z), "zeroed");
    sei_dynbuf_free(&z);
}

static void test_dynbuf_truncate_reserve_reset(void) {
    sei_dynbuf b;
    sei_dynbuf_init(&b, 64);
    sei_dynbuf_adds(&b, "hello, world");
    sei_dynbuf_truncate(&b, 5);
    CHECK_STR(sei_dynbuf_ptr(&b), "hello");
    sei_dynbuf_truncate(&b, 50); /* longer than held: nothing changes */
    CHECK_STR(sei_dynbuf_ptr(&b), "hello");
    CHECK_INT(sei_dynbuf_reserve(&b, 3), SE_OK);
    memcpy(b.data + b.len, "!!!", 3);
    sei_dynbuf_commit(&b, 3);
    CHECK_STR(sei_dynbuf_ptr(&b), "hello!!!");
    char *kept = b.data;
    sei_dynbuf_reset(&b); /* empty again, its memory kept */
    CHECK(b.data == kept);
    CHECK_STR(sei_dynbuf_ptr(&b), "");
    CHECK_INT(sei_dynbuf_len(&b), 0);
    sei_dynbuf_free(&b);
    sei_dynbuf_truncate(&b, 0); /* on an empty buffer: harmless */
}

static int released;
static void count_release(void *p) {
    (void)p;
    released++;
}

static void test_bufref(void) {
    sei_bufref r = SEI_BUFREF_EMPTY;
    sei_bufref_free(&r); /* empty: nothing to release */
    static char literal[] = "borrowed";
    sei_bufref_set(&r, literal, strlen(literal), NULL);
    CHECK_STR(sei_bufref_str(&r), "borrowed");
    CHECK_INT(r.len, 8);
    sei_bufref_free(&r); /* borrowed: never freed */
    CHECK(r.ptr == NULL && r.len == 0 && r.dtor == NULL);

    released = 0;
    sei_bufref_set(&r, literal, 3, count_release);
    sei_bufref_set(&r, literal, 2, count_release); /* set releases what it held */
    CHECK_INT(released, 1);
    sei_bufref_free(&r);
    CHECK_INT(released, 2);
    sei_bufref_set(&r, literal, 3, count_release);
    CHECK(sei_bufref_disown(&r) == literal); /* the new owner releases it */
    sei_bufref_free(&r);
    CHECK_INT(released, 2);

    CHECK_INT(sei_bufref_memdup(&r, "abcdef", 3), SE_OK); /* an owned copy, NUL-terminated */
    CHECK_STR(sei_bufref_str(&r), "abc");
    CHECK(r.ptr != (void *)"abcdef" && r.dtor == free);
    sei_bufref_free(&r);
}

/* A request releases what it owns and nothing it borrows (ASan and valgrind
 * see a leak or a bad free otherwise). */
static void test_request_release(void) {
    sei_http_request h;
    memset(&h, 0, sizeof h);
    static char cached_url[] = "https://example.test/x";
    sei_bufref_set(&h.url, cached_url, strlen(cached_url), NULL);
    CHECK_INT(sei_http_set_body(&h, strdup("{}"), 2), SE_OK);
    CHECK_INT(sei_http_add_header(&h, "Content-Type", "application/json", false), SE_OK);
    CHECK_INT(sei_http_add_header_owned(&h, "Authorization", strdup("Bearer t1"), true), SE_OK);
    CHECK_INT(h.headers[0].value.len, strlen("application/json"));
    sei_http_replace_header(&h, &h.headers[1], strdup("Bearer t2"));
    CHECK_STR(sei_header_value(&h.headers[1]), "Bearer t2");
    CHECK_INT(sei_http_add_header_owned(&h, "X", NULL, false), SE_E_NOMEM);
    CHECK_INT(sei_http_set_body(&h, NULL, 0), SE_E_NOMEM);
    CHECK_INT(sei_http_set_url(&h, strdup("u"), NULL), SE_E_NOMEM);
    CHECK_STR(sei_bufref_str(&h.url), cached_url); /* a failed set changes nothing */
    sei_http_request_clear(&h);
    CHECK(h.url.ptr == NULL && h.body.ptr == NULL && h.n_headers == 0);
    CHECK_STR(cached_url, "https://example.test/x");
}

static bool valid(const char *path) {
    return sei_path_valid(path, false);
}

static void test_path_syntax(void) {
    CHECK(valid("a"));
    CHECK(valid("a.b"));
    CHECK(valid("a.b[0].c"));
    CHECK(valid("a[0][12]"));
    CHECK(valid("key with spaces.x"));
    CHECK(!valid(""));
    CHECK(!valid(NULL));
    CHECK(!valid("a..b"));
    CHECK(!valid(".a"));
    CHECK(!valid("a."));
    CHECK(!valid("a[]"));
    CHECK(!valid("a[x]"));
    CHECK(!valid("a[-1]"));
    CHECK(!valid("a[+1]")); /* digits only: no sign */
    CHECK(!valid("a[ 1]")); /* no blank */
    CHECK(!valid("a[1"));
    CHECK(!valid("a[1]b")); /* a key after ']' needs its '.' */
    CHECK(!valid("a[99999999999999999999]"));
    CHECK(!valid("[0].a"));
    CHECK(sei_path_valid("[0].a", true)); /* where an index may come first */

    const char *p = "ab.cd[7]";
    sei_path_step s;
    CHECK(sei_path_next(&p, &s, true) && s.key && s.len == 2 && !strncmp(s.key, "ab", 2));
    CHECK(sei_path_next(&p, &s, false) && s.key && s.len == 2 && !strncmp(s.key, "cd", 2));
    CHECK(sei_path_next(&p, &s, false) && !s.key && s.index == 7);
    CHECK(*p == '\0');
}

static void test_path_lookup(void) {
    cJSON *j = cJSON_Parse("{\"a\":{\"b\":[{\"c\":\"x\"},{\"c\":\"y\"}]},\"n\":1,\"a.b\":2}");
    bool bad = true;
    CHECK_STR(cJSON_GetStringValue(sei_json_path(j, "a.b[1].c", &bad)), "y");
    CHECK(!bad);
    CHECK(sei_json_path(j, "a.b[2]", &bad) == NULL && !bad);          /* absent */
    CHECK(sei_json_path(j, "n.x", &bad) == NULL && !bad);             /* through a number */
    CHECK(sei_json_path(j, "a[0]", &bad) == NULL && !bad);            /* an object is not indexed */
    CHECK(sei_json_path(j, "missing[x]", &bad) == NULL && bad);       /* malformed, found or not */
    CHECK(sei_json_path(j, "a.b[4294967297]", &bad) == NULL && !bad); /* past int: absent */
    CHECK(sei_json_path(NULL, "a", &bad) == NULL && !bad);
    cJSON *arr = cJSON_Parse("[10,20]");
    CHECK_INT(cJSON_GetNumberValue(sei_json_path(arr, "[1]", &bad)), 20);
    CHECK(!bad);
    cJSON *parent = NULL;
    cJSON *v = sei_json_path_in(j, "a.b[0].c", &bad, &parent);
    CHECK(v && parent && cJSON_IsObject(parent) && cJSON_GetObjectItem(parent, "c") == v);
    CHECK(sei_json_path_in(j, "a.zz", &bad, &parent) == NULL && parent == NULL);
    cJSON_Delete(arr);
    cJSON_Delete(j);
}

/* The builder and se_response_get read paths with the same parser. */
static void test_path_builder(void) {
    se_request *r = NULL;
    CHECK_INT(se_request_new(&r), SE_OK);
    CHECK_INT(se_request_set_string(r, "a.b[0].c", "x"), SE_OK);
    CHECK_INT(se_request_set_int(r, "a.b[1]", 3), SE_OK);
    CHECK_STR(se_request_json(r), "{\"a\":{\"b\":[{\"c\":\"x\"},3]}}");
    CHECK_INT(se_request_set_string(r, "a.b[+1]", "y"), SE_E_INVALID);
    CHECK_INT(se_request_set_string(r, "a.b[0]c", "y"), SE_E_INVALID);
    CHECK_INT(se_request_set_string(r, "[0]", "y"), SE_E_INVALID); /* the root is an object */
    CHECK_INT(se_request_set_string(r, "a.b[5]", "y"), SE_E_INVALID);
    CHECK_HAS(se_last_error(), "index 5 is past the end of the array (size 2)");
    CHECK_INT(se_request_set_string(r, "a.b[1].x", "y"), SE_E_INVALID);
    CHECK_HAS(se_last_error(), "goes through a number, not an object");
    /* a failed set removes the containers it made */
    CHECK_INT(se_request_set_string(r, "new.list[0].k[3]", "y"), SE_E_INVALID);
    CHECK_STR(se_request_json(r), "{\"a\":{\"b\":[{\"c\":\"x\"},3]}}");
    CHECK_INT(se_request_remove(r, "a.b[0]"), SE_OK);
    CHECK_STR(se_request_json(r), "{\"a\":{\"b\":[3]}}");
    CHECK_INT(se_request_remove(r, "a.b[x]"), SE_E_INVALID);
    CHECK_INT(se_request_remove(r, "a.zz[0]"), SE_OK);
    CHECK_INT(se_request_remove(r, "a"), SE_OK);
    CHECK_STR(se_request_json(r), "{}");
    se_request_free(r);
}

int main(void) {
    test_dynbuf_append_and_take();
    test_dynbuf_cap();
    test_dynbuf_truncate_reserve_reset();
    test_bufref();
    test_request_release();
    test_path_syntax();
    test_path_lookup();
    test_path_builder();
    return se_test_summary("util");
}
