/* chat.h - Connect chats as the participant websocket sees them (chat.c): who is in them, and
 * the items (messages and events) delivered to their websockets. */
#ifndef SE_EMULATOR_CHAT_H
#define SE_EMULATOR_CHAT_H

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A CreateParticipantConnection that asked for a websocket (ws_key) and/or credentials
 * (token); either may be NULL. The websocket may be opened until ws_expiry_ms (epoch ms). */
void chat_create(const char *ws_key, const char *token, int64_t ws_expiry_ms);
/* The ContactId of the chat a ConnectionToken belongs to (not a secret); false when unknown. */
bool chat_contact_of(const char *token, char contact[37]);
/* Whether the websocket of ws_key may be opened now; *why says why not (static text). */
bool chat_websocket_allowed(const char *ws_key, const char **why);
/* The customer (the holder of token) sent a MESSAGE or EVENT: its own websocket gets it too. */
void chat_customer_item(const char *token, const char *type, const char *content_type,
                        const char *content, const char *id, const char *when);
/* DisconnectParticipant: websockets get participant.left, then are closed. */
void chat_disconnect(const char *token);
/* POST /_emulator/connect/agent: returns the answer, or NULL with err (and *status). */
/* GET /_emulator/connect/agent: {"items": [...]} the agent side sent, those with seq > after
 * among the newest `last` (0: all), oldest first. */
cJSON *chat_agent_items(uint64_t after, size_t last);
cJSON *chat_agent_send(const cJSON *spec, int *status, char *err, size_t errlen);
void chat_reset(void); /* forget every chat, close every websocket */

#endif
