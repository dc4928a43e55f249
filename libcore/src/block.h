/*
 * block.h - reference-counted memory blocks (block.c) for a batch's parked
 * jobs and responses.
 */
#ifndef SEI_BLOCK_H
#define SEI_BLOCK_H

#include <stdbool.h>
#include <stddef.h>

typedef struct sei_block sei_block;

/* A mapped block whose pages are populated at once; objects are cut from it
 * by one owner (not thread-safe) and released from any thread. */
sei_block *sei_block_new(size_t size);
/* Bytes mapped. */
size_t sei_block_size(const sei_block *b);
/* Bytes the block can still hand out (0 for NULL). */
size_t sei_block_room(const sei_block *b);
/* n bytes from the block, or NULL when it has no room (or b is NULL). */
void *sei_block_alloc(sei_block *b, size_t n);
/* Drops one object of the block, or the owner's hold; unmapped after the last. */
void sei_block_release(sei_block *b);
/* Like sei_block_release, but after the last the block stays mapped, empty and
 * held by the caller (true then), to be used again. */
bool sei_block_drop(sei_block *b);

#endif
