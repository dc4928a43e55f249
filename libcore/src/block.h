/*
 * block.h - reference-counted memory blocks (block.c) for a batch's parked
 * jobs and responses.
 */
#ifndef SE_BLOCK_H
#define SE_BLOCK_H

#include <stdbool.h>
#include <stddef.h>

typedef struct se_block se_block;

/* A mapped block whose pages are populated at once; objects are cut from it
 * by one owner (not thread-safe) and released from any thread. */
se_block *se_block_new(size_t size);
/* Bytes mapped. */
size_t se_block_size(const se_block *b);
/* Bytes the block can still hand out (0 for NULL). */
size_t se_block_room(const se_block *b);
/* n bytes from the block, or NULL when it has no room (or b is NULL). */
void *se_block_alloc(se_block *b, size_t n);
/* Drops one object of the block, or the owner's hold; unmapped after the last. */
void se_block_release(se_block *b);
/* Like se_block_release, but after the last the block stays mapped, empty and
 * held by the caller (true then), to be used again. */
bool se_block_drop(se_block *b);

#endif
