/*
 * batch.c - `--batch FILE|-`: one JSON request per line, one result per line on stdout.
 *
 * The input is read a line at a time as it arrives (lines.c). --validate and --dry-run check
 * or prepare each line as it is read; otherwise stream.c sends them on one started se_batch
 * and writes each result as soon as it is known. Blank lines are skipped; "index" counts
 * requests, "line" is the input line number.
 */
#define _POSIX_C_SOURCE 200809L
#include "batch.h"
#include "cli.h"
#include "journal.h"
#include "lines.h"
#include "options.h"
#include "output.h"
#include "stream.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* One line of --validate / --dry-run: no network. Returns whether it was valid. */
static bool check_line(struct cli *cli, se_client *client, const char *line, size_t len, long index,
                       long lineno) {
    if (strlen(line) != len) {
        print_validation(cli, SE_E_INVALID, "the line contains a NUL byte", index, lineno);
        return false;
    }
    char *with = add_connect_tokens(cli, cli->operation, line);
    const char *json = with ? with : line;
    char *http = NULL;
    se_status st = cli->dry_run ? se_prepare(client, cli->operation, json, &http)
                                : se_validate(client, cli->operation, json);
    if (st == SE_OK && http)
        print_prepared(cli, http, index, lineno);
    else
        print_validation(cli, st, se_client_errmsg(client), index, lineno);
    se_free(http);
    free(with);
    return st == SE_OK;
}

/* --validate / --dry-run over every line, each printed as it is read. */
static int check_lines(struct cli *cli, se_client *client, int fd) {
    struct line_reader in;
    lines_init(&in, fd);
    size_t bad = 0;
    long index = 0;
    bool ok = true;
    while (ok) {
        size_t len;
        long lineno;
        char *line;
        while ((line = lines_next(&in, &len, &lineno)))
            bad += !check_line(cli, client, line, len, index++, lineno);
        fflush(stdout);
        if (in.eof)
            break;
        ok = lines_fill(&in);
    }
    int err = in.error;
    lines_free(&in);
    if (!ok) {
        errorf("cannot read %s: %s", strcmp(cli->batch, "-") == 0 ? "standard input" : cli->batch,
               strerror(err));
        return EXIT_FAILED;
    }
    return bad ? EXIT_USAGE : EXIT_SENT;
}

int run_batch(struct cli *cli, se_client *client) {
    bool is_stdin = strcmp(cli->batch, "-") == 0;
    int fd = is_stdin ? STDIN_FILENO : open(cli->batch, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        errorf("cannot read %s: %s", cli->batch, strerror(errno));
        return EXIT_USAGE;
    }
    struct journal *j = NULL;
    struct stat st;
    int rc = -1;
    if (cli->journal) {
        j = journal_open(cli->journal, cli->provider, cli->operation);
        if (!j || (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) &&
                   !journal_check_input(j, fd, is_stdin ? "standard input" : cli->batch)))
            rc = EXIT_USAGE; /* nothing sent */
    }
    if (rc < 0)
        rc = cli->validate || cli->dry_run ? check_lines(cli, client, fd)
                                           : stream_send(cli, client, fd, j);
    journal_close(j);
    if (!is_stdin)
        close(fd);
    return rc;
}
