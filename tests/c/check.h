/* check.h - the few assertions the C tests use. A failed check prints where and
 * what, and the test exits non-zero at the end (checks keep going). */
#ifndef SE_TEST_CHECK_H
#define SE_TEST_CHECK_H

#include <stdio.h>
#include <string.h>

extern int se_test_failures;
extern int se_test_checks;

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        se_test_checks++;                                                                          \
        if (!(cond)) {                                                                             \
            se_test_failures++;                                                                    \
            fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond);               \
        }                                                                                          \
    } while (0)

#define CHECK_INT(got, want)                                                                       \
    do {                                                                                           \
        long long g_ = (long long)(got), w_ = (long long)(want);                                   \
        se_test_checks++;                                                                          \
        if (g_ != w_) {                                                                            \
            se_test_failures++;                                                                    \
            fprintf(stderr, "%s:%d: %s == %lld, want %lld\n", __FILE__, __LINE__, #got, g_, w_);   \
        }                                                                                          \
    } while (0)

#define CHECK_STR(got, want)                                                                       \
    do {                                                                                           \
        const char *g_ = (got), *w_ = (want);                                                      \
        se_test_checks++;                                                                          \
        if (!g_ || !w_ ? g_ != w_ : strcmp(g_, w_) != 0) {                                         \
            se_test_failures++;                                                                    \
            fprintf(stderr, "%s:%d: %s == \"%s\", want \"%s\"\n", __FILE__, __LINE__, #got,        \
                    g_ ? g_ : "(null)", w_ ? w_ : "(null)");                                       \
        }                                                                                          \
    } while (0)

/* got contains want as a substring */
#define CHECK_HAS(got, want)                                                                       \
    do {                                                                                           \
        const char *g_ = (got), *w_ = (want);                                                      \
        se_test_checks++;                                                                          \
        if (!g_ || !strstr(g_, w_)) {                                                              \
            se_test_failures++;                                                                    \
            fprintf(stderr, "%s:%d: %s == \"%s\", want it to contain \"%s\"\n", __FILE__,          \
                    __LINE__, #got, g_ ? g_ : "(null)", w_);                                       \
        }                                                                                          \
    } while (0)

/* got does not contain bad */
#define CHECK_LACKS(got, bad)                                                                      \
    do {                                                                                           \
        const char *g_ = (got), *b_ = (bad);                                                       \
        se_test_checks++;                                                                          \
        if (g_ && strstr(g_, b_)) {                                                                \
            se_test_failures++;                                                                    \
            fprintf(stderr, "%s:%d: %s contains \"%s\": \"%s\"\n", __FILE__, __LINE__, #got, b_,   \
                    g_);                                                                           \
        }                                                                                          \
    } while (0)

/* Prints "N passed, M failed" and gives main's exit status. */
int se_test_summary(const char *name);

#endif
