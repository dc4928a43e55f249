/* lines.h - reading --batch input a line at a time as it arrives (lines.c). */
#ifndef SENDEVENT_CLI_LINES_H
#define SENDEVENT_CLI_LINES_H

#include <stdbool.h>
#include <stddef.h>

#include "dynbuf.h" /* libcore's growable buffer */

struct line_reader {
    int fd;
    sei_dynbuf buf; /* bytes read and not yet handed out from `start` on */
    size_t start;
    long lineno; /* lines handed out or skipped so far */
    bool eof;
    int error; /* errno of a failed read, or ENOMEM */
};

void lines_init(struct line_reader *lr, int fd);
void lines_free(struct line_reader *lr);
/* One read(2) of what is there (blocks only when nothing is: poll first). False on a read
 * error or when out of memory (lr->error); lr->eof at end of input. */
bool lines_fill(struct line_reader *lr);
/* The next non-blank line read whole (at end of input also an unterminated last line), its
 * "\r\n" or "\n" removed, NUL-terminated; NULL when no whole line is there yet. *len is its
 * length (it may hold NUL bytes), *lineno its 1-based line number. Valid until the next
 * lines_fill. */
char *lines_next(struct line_reader *lr, size_t *len, long *lineno);

#endif
