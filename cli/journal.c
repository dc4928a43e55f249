/*
 * journal.c - --journal FILE for --batch sending: every result recorded as it is known, so a
 * run that was interrupted or killed can be resumed.
 *
 * The file is JSON lines. The first names the run:
 *   {"sendevent_journal":1,"id":"<32 hex>","provider":"zapi","operation":"send_event"}
 * then, for each line, one record before it is handed to the library and one with its result:
 *   {"line":12,"hash":"<16 hex>","outcome":"sending"}
 *   {"line":12,"hash":"<16 hex>","outcome":"accepted"|"maybe"|"failed"}
 * "hash" is FNV-1a 64 of the input line as read (without its newline), so a changed input is
 * noticed. A later record of a line replaces an earlier one; a line left at "sending" was in
 * flight when the run died: it may have been sent (a resumed run treats it as "maybe", except
 * for Connect, whose ClientToken makes a re-send safe), while a line with no record was never
 * handed to the library. Each record is one write(2) of a
 * whole line on an O_APPEND descriptor, so a SIGKILL leaves at most a torn last line, which is
 * ignored and cut off when the journal is opened again. Fsync policy: fdatasync at most once a
 * second while sending and once at the end; a crash of the process loses nothing, a crash of
 * the machine at most the last second's records (those lines are then sent again).
 */
#define _POSIX_C_SOURCE 200809L
#include "journal.h"
#include "output.h"
#include "report.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lines.h"

struct record {
    uint64_t hash;
    char outcome; /* 0 none, 'S' sending, 'A' accepted, 'M' maybe, 'F' failed */
};

struct journal {
    int fd;
    const char *path;
    char id[33];
    struct record *rec; /* indexed by line number */
    long n_rec;
    double last_sync;
};

uint64_t journal_hash(const char *line, size_t len) {
    uint64_t h = 0xcbf29ce484222325u;
    for (size_t i = 0; i < len; i++)
        h = (h ^ (unsigned char)line[i]) * 0x100000001b3u;
    return h;
}

static bool set_record(struct journal *j, long lineno, uint64_t hash, char outcome) {
    if (lineno < 1)
        return false;
    if (lineno >= j->n_rec) {
        long n = j->n_rec ? j->n_rec : 1024;
        while (n <= lineno)
            n *= 2;
        struct record *r = realloc(j->rec, (size_t)n * sizeof *r);
        if (!r)
            return false;
        memset(r + j->n_rec, 0, (size_t)(n - j->n_rec) * sizeof *r);
        j->rec = r;
        j->n_rec = n;
    }
    j->rec[lineno] = (struct record){hash, outcome};
    return true;
}

static bool write_all(int fd, const char *s, size_t n) {
    while (n) {
        ssize_t w = write(fd, s, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w < 0)
            return false;
        s += w;
        n -= (size_t)w;
    }
    return true;
}

/* The header: checks provider and operation, takes the id. */
static bool take_header(struct journal *j, cJSON *doc, const char *provider, const char *op) {
    const char *id = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(doc, "id"));
    const char *p = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(doc, "provider"));
    const char *o = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(doc, "operation"));
    if (!cJSON_GetObjectItemCaseSensitive(doc, "sendevent_journal") || !id || strlen(id) != 32 ||
        !p || !o) {
        errorf("%s: not a sendevent journal", j->path);
        return false;
    }
    if (strcmp(p, provider) != 0 || strcmp(o, op) != 0) {
        errorf("%s: the journal of a `sendevent %s %s` run, not of `%s %s`", j->path, p, o,
               provider, op);
        return false;
    }
    memcpy(j->id, id, 33);
    return true;
}

static bool take_record(struct journal *j, cJSON *doc) {
    cJSON *line = cJSON_GetObjectItemCaseSensitive(doc, "line");
    const char *hash = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(doc, "hash"));
    const char *out = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(doc, "outcome"));
    if (!cJSON_IsNumber(line) || !hash || !out || strlen(hash) != 16)
        return false;
    char outcome = strcmp(out, "accepted") == 0  ? 'A'
                   : strcmp(out, "maybe") == 0   ? 'M'
                   : strcmp(out, "sending") == 0 ? 'S'
                                                 : 'F';
    return set_record(j, (long)line->valuedouble, strtoull(hash, NULL, 16), outcome);
}

/* Reads every whole line of an existing journal; cuts a torn last one off. */
static bool load(struct journal *j, char *text, size_t len, const char *provider, const char *op) {
    size_t whole = len;
    while (whole && text[whole - 1] != '\n')
        whole--;
    if (whole != len && ftruncate(j->fd, (off_t)whole) != 0) {
        errorf("%s: cannot cut its torn last line: %s", j->path, strerror(errno));
        return false;
    }
    text[whole] = '\0';
    long n = 0;
    for (char *line = text, *next; *line; line = next) {
        next = strchr(line, '\n');
        *next++ = '\0';
        cJSON *doc = cJSON_Parse(line);
        bool ok = n++ == 0 ? take_header(j, doc, provider, op) : take_record(j, doc);
        cJSON_Delete(doc);
        if (!ok) {
            if (n > 1)
                errorf("%s:%ld: not a journal record", j->path, n);
            return false;
        }
    }
    return true;
}

/* A new journal's header, with a random id. */
static bool start_new(struct journal *j, const char *provider, const char *op) {
    unsigned char raw[16];
    int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
    bool ok = fd >= 0 && read(fd, raw, sizeof raw) == (ssize_t)sizeof raw;
    if (fd >= 0)
        close(fd);
    if (!ok)
        return false;
    for (int i = 0; i < 16; i++)
        snprintf(j->id + 2 * i, 3, "%02x", raw[i]);
    char head[256];
    int n = snprintf(head, sizeof head,
                     "{\"sendevent_journal\":1,\"id\":\"%s\",\"provider\":\"%s\","
                     "\"operation\":\"%s\"}\n",
                     j->id, provider, op);
    return n > 0 && (size_t)n < sizeof head && write_all(j->fd, head, (size_t)n) &&
           fdatasync(j->fd) == 0;
}

/* Reads an existing journal, or starts a new one. Prints why when it fails. */
static bool open_text(struct journal *j, const char *provider, const char *operation) {
    size_t len = 0;
    char *text = read_file(j->path, &len); /* prints its own error */
    bool ok = text != NULL;
    if (ok && len == 0) {
        ok = start_new(j, provider, operation);
        if (!ok)
            errorf("cannot write the journal %s: %s", j->path, strerror(errno));
    } else if (ok && strlen(text) != len) {
        errorf("%s: not a sendevent journal", j->path);
        ok = false;
    } else if (ok) {
        ok = load(j, text, len, provider, operation);
    }
    free(text);
    return ok;
}

struct journal *journal_open(const char *path, const char *provider, const char *operation) {
    struct journal *j = calloc(1, sizeof *j);
    if (!j)
        return NULL;
    j->path = path;
    j->last_sync = now_seconds();
    j->fd = open(path, O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    if (j->fd < 0)
        errorf("cannot open the journal %s: %s", path, strerror(errno));
    if (j->fd < 0 || !open_text(j, provider, operation)) {
        journal_close(j);
        return NULL;
    }
    return j;
}

void journal_close(struct journal *j) {
    if (!j)
        return;
    if (j->fd >= 0) {
        fdatasync(j->fd);
        close(j->fd);
    }
    free(j->rec);
    free(j);
}

enum journal_state journal_lookup(const struct journal *j, long lineno, uint64_t hash) {
    if (lineno < 1 || lineno >= j->n_rec || !j->rec[lineno].outcome)
        return JOURNAL_NEW;
    const struct record *r = &j->rec[lineno];
    if (r->hash != hash)
        return JOURNAL_CHANGED;
    return r->outcome == 'A'   ? JOURNAL_ACCEPTED
           : r->outcome == 'M' ? JOURNAL_MAYBE
           : r->outcome == 'S' ? JOURNAL_SENDING
                               : JOURNAL_FAILED;
}

/* The first line the journal knows that the input does not hold as recorded, or 0. */
static long first_difference(const struct journal *j, int fd, bool *read_error) {
    struct line_reader in;
    lines_init(&in, fd);
    long last = 0, bad = 0;
    while (!bad && lines_fill(&in)) {
        size_t len;
        long lineno;
        char *line;
        while (!bad && (line = lines_next(&in, &len, &lineno))) {
            if (journal_lookup(j, lineno, journal_hash(line, len)) == JOURNAL_CHANGED)
                bad = lineno;
            last = lineno;
        }
        if (in.eof)
            break;
    }
    *read_error = !bad && !in.eof;
    lines_free(&in);
    for (long n = last + 1; !bad && !*read_error && n < j->n_rec; n++)
        if (j->rec[n].outcome)
            bad = n; /* recorded, but the input ends before it */
    return bad;
}

bool journal_check_input(const struct journal *j, int fd, const char *name) {
    bool read_error = false;
    long bad = first_difference(j, fd, &read_error);
    if (read_error || lseek(fd, 0, SEEK_SET) != 0) {
        errorf("cannot read %s: %s", name, strerror(errno));
        return false;
    }
    if (bad)
        errorf("%s: line %ld is not the line the journal %s recorded: the input changed; "
               "resume with the same input, or start a new journal",
               name, bad, j->path);
    return bad == 0;
}

/* One record: one write(2) of one whole line; fdatasync at most once a second. */
static void write_record(struct journal *j, long lineno, uint64_t hash, const char *outcome) {
    char line[128];
    int n = snprintf(line, sizeof line,
                     "{\"line\":%ld,\"hash\":\"%016" PRIx64 "\",\"outcome\":\"%s\"}\n", lineno,
                     hash, outcome);
    if (!write_all(j->fd, line, (size_t)n))
        errorf("cannot write the journal %s: %s", j->path, strerror(errno));
    char c = outcome[0] == 'a' ? 'A' : outcome[0] == 'm' ? 'M' : outcome[0] == 's' ? 'S' : 'F';
    set_record(j, lineno, hash, c);
    double t = now_seconds();
    if (t - j->last_sync >= 1.0) {
        fdatasync(j->fd);
        j->last_sync = t;
    }
}

void journal_record_sending(struct journal *j, long lineno, uint64_t hash) {
    write_record(j, lineno, hash, "sending");
}

void journal_record(struct journal *j, long lineno, uint64_t hash, const se_response *r,
                    se_status st) {
    se_sent sent = r ? se_response_sent(r) : SE_SENT_NO;
    write_record(j, lineno, hash,
                 st == SE_OK             ? "accepted"
                 : sent == SE_SENT_MAYBE ? "maybe"
                                         : "failed");
}

/* A UUID-shaped text from the journal's id and the line number: the same on every run. */
static void derive_token(const struct journal *j, long lineno, char out[37]) {
    char seed[64];
    int n = snprintf(seed, sizeof seed, "%s/%ld", j->id, lineno);
    uint64_t a = journal_hash(seed, (size_t)n), b = journal_hash(seed, (size_t)n) ^ a;
    b = journal_hash((const char *)&a, sizeof a) ^ (b * 0x9e3779b97f4a7c15u);
    snprintf(out, 37, "%08" PRIx32 "-%04" PRIx32 "-5%03" PRIx32 "-%04" PRIx32 "-%012" PRIx64,
             (uint32_t)(a >> 32), (uint32_t)(a >> 16) & 0xffff, (uint32_t)a & 0xfff,
             (uint32_t)(0x8000 | ((b >> 48) & 0x3fff)), b & 0xffffffffffffu);
}

char *journal_client_token(const struct journal *j, long lineno, const char *line) {
    cJSON *doc = cJSON_Parse(line);
    bool wanted = cJSON_IsObject(doc) && !cJSON_GetObjectItemCaseSensitive(doc, "ClientToken");
    bool empty = doc && !doc->child;
    cJSON_Delete(doc);
    if (!wanted)
        return NULL;
    char token[37];
    derive_token(j, lineno, token);
    const char *brace = strchr(line, '{');
    size_t n = strlen(line) + 64;
    char *out = malloc(n);
    if (out)
        snprintf(out, n, "%.*s\"ClientToken\":\"%s\"%s%s", (int)(brace - line) + 1, line, token,
                 empty ? "" : ",", brace + 1);
    return out;
}
