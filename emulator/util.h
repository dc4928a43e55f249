/* util.h - ids, clocks, timestamps, base64, UTF-8, strings, files (util.c). */
#ifndef SE_EMULATOR_UTIL_H
#define SE_EMULATOR_UTIL_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

void *xmalloc(size_t n);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
int64_t now_ms(void);      /* wall clock, ms since the epoch */
int64_t mono_ms(void);     /* monotonic, ms */
double mono_seconds(void); /* monotonic, s (ns resolution): the request log's clock */
/* A condition variable timed on the monotonic clock, and a wait of at most ms on it (mu held). */
void cond_init_monotonic(pthread_cond_t *cv);
void cond_wait_ms(pthread_cond_t *cv, pthread_mutex_t *mu, int64_t ms);
void iso_time(char out[32], int64_t epoch_ms); /* 2026-11-23T10:00:00.123Z */
void random_bytes(void *buf, size_t n);
void new_ulid(char out[27]);
void new_uuid(char out[37]);
void new_upper_alnum(char *out, size_t n, bool hex_only); /* n chars + NUL */
void new_token(char *out, size_t n);                      /* base64url chars + NUL */
/* Decodes standard base64; returns malloc'd NUL-terminated bytes or NULL when invalid. */
char *base64_decode(const char *in, size_t *out_len);
size_t utf8_chars(const char *s);             /* code points; invalid bytes count one each */
char *utf8_sanitize(const char *s, size_t n); /* valid UTF-8, no NULs; malloc'd */
bool iso8601_datetime(const char *s);         /* YYYY-MM-DDTHH:MM[:SS[.f+]][Z|+HH:MM|+HHMM] */
bool iso_date(const char *s);                 /* YYYY-MM-DD */
bool str_ieq(const char *a, const char *b);
bool str_prefix_ieq(const char *s, const char *prefix);
bool consttime_eq(const char *a, const char *b);
char *read_file(const char *path); /* whole file, NUL-terminated, malloc'd; NULL when unreadable */

#endif
