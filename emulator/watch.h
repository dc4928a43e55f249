/* watch.h - a version number for what the control API shows (watch.c): the inbox page waits on
 * it (GET /_emulator/changes) instead of polling. Everything here is thread-safe. */
#ifndef SE_EMULATOR_WATCH_H
#define SE_EMULATOR_WATCH_H

#include <stdint.h>

uint64_t watch_version(void);
/* Something shown changed (a request or callback recorded, faults, limits, a reset): the version
 * moves on, and when anyone waits, watch_on_change is called (from the caller's thread). */
void watch_bump(void);
void watch_waiters_add(int delta); /* waiting connections, counted by their owner (http.c) */
extern void (*watch_on_change)(void);

#endif
