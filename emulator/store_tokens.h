/* store_tokens.h - issued tokens and Connect's idempotency memory (store_tokens.c). Everything
 * here is thread-safe. */
#ifndef SE_EMULATOR_STORE_TOKENS_H
#define SE_EMULATOR_STORE_TOKENS_H

#include <stddef.h>
#include <stdint.h>

void store_tokens_init(size_t cap); /* each map holds at most cap entries, oldest evicted */
void store_tokens_reset(void);
void store_tokens_free(void);

enum token_state { TOKEN_UNKNOWN, TOKEN_VALID, TOKEN_EXPIRED };
enum token_kind { TOK_SINCH, TOK_CONNECT, TOK_KINDS };
void store_token_add(enum token_kind k, const char *token, int64_t expires_mono_ms);
enum token_state store_token_check(enum token_kind k, const char *token);
void store_tokens_expire(enum token_kind k);
void store_token_revoke(enum token_kind k, const char *token); /* then TOKEN_EXPIRED */

/* Connect idempotency: if key was seen, returns a malloc'd copy of the first answer body;
 * otherwise remembers body under key and returns NULL. */
char *store_idempotent(const char *key, const char *body);

#endif
