/* emu.h - drives sendevent-emulator from the C tests: start it on a free
 * loopback port, read what it recorded, inject faults, stop it by pid. */
#ifndef SE_TEST_EMU_H
#define SE_TEST_EMU_H

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#define EMU_SINCH_KEY_ID "emulator-key"
#define EMU_SINCH_KEY_SECRET "emulator-secret"
#define EMU_ZAPI_INSTANCE "emulator-instance"
#define EMU_ZAPI_TOKEN "emulator-token"
#define EMU_ZAPI_CLIENT_TOKEN "emulator-client-token"
#define EMU_CONNECT_TOKEN "emulator-connection-token"
#define EMU_PARTICIPANT_TOKEN "emulator-participant-token"

typedef struct emu {
    pid_t pid;
    char url[256];
} emu;

/* Starts $SE_EMULATOR with extra arguments (NULL-terminated, may be NULL).
 * Returns false when the emulator is not available (the test then skips). */
bool emu_start(emu *e, const char *const *extra_args);
void emu_stop(emu *e);

/* Control API. emu_requests returns the "requests" array (free with cJSON_Delete). */
cJSON *emu_requests(const emu *e, bool all);
void emu_reset(const emu *e);
/* A control API GET (path "/_emulator/..."), parsed; NULL when it failed (free with cJSON_Delete).
 */
cJSON *emu_get(const emu *e, const char *path);
void emu_fault(const emu *e, const char *spec_json);
/* Number of requests recorded (all=true: including rejected ones). */
int emu_count(const emu *e, bool all);
/* Number of recorded requests of one operation ("send_event", "oauth_token", ...). */
int emu_count_op(const emu *e, const char *operation, bool all);
/* Header of recorded request i (lower-case name), or NULL. */
const char *emu_req_header(const cJSON *req, const char *name);

/* Monotonic seconds, and a sleep that resumes after signals (timed tests). */
double emu_now(void);
void emu_sleep(double seconds);
/* A Z-API client of emulator e, with the emulator's credentials. */
struct se_client *emu_zapi_client(const emu *e);
/* A valid Z-API send_event request to a group, its event named "<tag>-<i>". */
void emu_zapi_event(char *out, size_t cap, const char *tag, int i);

/* n Z-API events sent one after the other through c (emu_sender_run: as a
 * thread's function); ok counts the accepted ones. */
typedef struct emu_sender {
    struct se_client *c;
    int n, ok;
} emu_sender;
void *emu_sender_run(void *arg);

/* ctest treats this exit code as "skipped" (SKIP_RETURN_CODE). */
#define EMU_SKIP 77

#endif
