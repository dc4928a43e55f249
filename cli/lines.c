/*
 * lines.c - --batch input read a line at a time, as it arrives.
 *
 * Each lines_fill is one read(2), so a line written to a pipe is handed out as soon as it is
 * there, not when a buffer fills. The bytes left after the last whole line are moved to the
 * front before the next read; blank lines (spaces and tabs only) are counted and skipped.
 */
#define _POSIX_C_SOURCE 200809L
#include "lines.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

enum { READ_SIZE = 65536 };

void lines_init(struct line_reader *lr, int fd) {
    memset(lr, 0, sizeof *lr);
    lr->fd = fd;
    sei_dynbuf_init(&lr->buf, 0);
}

void lines_free(struct line_reader *lr) {
    sei_dynbuf_free(&lr->buf);
}

bool lines_fill(struct line_reader *lr) {
    if (lr->start) { /* drop what was handed out */
        size_t rest = lr->buf.len - lr->start;
        memmove(lr->buf.data, lr->buf.data + lr->start, rest);
        sei_dynbuf_truncate(&lr->buf, rest);
        lr->start = 0;
    }
    if (sei_dynbuf_reserve(&lr->buf, READ_SIZE) != SE_OK) {
        lr->error = ENOMEM;
        return false;
    }
    ssize_t n;
    do
        n = read(lr->fd, lr->buf.data + lr->buf.len, READ_SIZE);
    while (n < 0 && errno == EINTR);
    if (n < 0) {
        lr->error = errno;
        return false;
    }
    if (n == 0)
        lr->eof = true;
    else
        sei_dynbuf_commit(&lr->buf, (size_t)n);
    return true;
}

char *lines_next(struct line_reader *lr, size_t *len, long *lineno) {
    while (lr->buf.data && lr->start < lr->buf.len) {
        char *p = lr->buf.data + lr->start;
        size_t avail = lr->buf.len - lr->start;
        char *nl = memchr(p, '\n', avail);
        if (!nl && !lr->eof)
            return NULL;
        size_t n = nl ? (size_t)(nl - p) : avail;
        lr->start += n + (nl != NULL);
        lr->lineno++;
        if (n && p[n - 1] == '\r')
            n--;
        p[n] = '\0';
        size_t blank = 0;
        while (blank < n && (p[blank] == ' ' || p[blank] == '\t'))
            blank++;
        if (blank == n)
            continue;
        *len = n;
        *lineno = lr->lineno;
        return p;
    }
    return NULL;
}
