/* websocket.h - the Connect participant websocket (RFC 6455) on the emulator's own port
 * (websocket.c): handshake through libmicrohttpd's upgrade, one thread per open websocket,
 * the aws/subscribe and aws/heartbeat topics, and items pushed to subscribers of aws/chat. */
#ifndef SE_EMULATOR_WEBSOCKET_H
#define SE_EMULATOR_WEBSOCKET_H

#include <stdbool.h>

#include "reply.h"

struct MHD_Response;

#define WEBSOCKET_PATH "/_emulator/websocket/"

/* The answer to GET WEBSOCKET_PATH<key>: 101 and an upgrade when the handshake is valid and
 * allowed (the chat exists and may still connect), else an error. Sets *status. */
struct MHD_Response *websocket_response(const struct request *rq, const char *key, bool allowed,
                                        const char *why, unsigned *status);

/* Queues a text frame for every websocket of key subscribed to aws/chat; returns how many. */
int websocket_broadcast(const char *key, const char *text);
void websocket_close(const char *key); /* close frame 1000, then close; NULL = every websocket */
void websocket_stop(void);             /* shutdown: close every websocket and join its thread */
void websocket_free(void);             /* after the daemon has stopped */

#endif
