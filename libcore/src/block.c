/* block.c - memory blocks for the many small objects of a large batch.
 *
 * A batch of N requests makes N responses that live until the batch (or
 * whoever took them) frees them. Allocated one by one, each new page they
 * touch costs a page fault, and on virtual machines a fault costs several
 * microseconds: a visible share of a batch's time per request. A block is
 * mapped with its pages populated in one call, and responses are cut from it.
 * A block counts what lives in it and is unmapped when the last goes.
 * Unmapping costs a TLB flush, which on virtual machines is dearer still: the
 * small blocks of a small batch come from malloc instead, whose memory is
 * used again without a system call. */
#include <stdatomic.h>
#include <stdlib.h>
#include <sys/mman.h>

#include "block.h"

#ifndef MAP_POPULATE
#define MAP_POPULATE 0 /* elsewhere the pages fault in one by one */
#endif

struct sei_block {
    atomic_size_t refs; /* objects in it not yet released, +1 for its owner */
    size_t size, used;  /* bytes mapped, bytes handed out (header included) */
};

#define SEI_BLOCK_MAPPED_MIN 65536 /* smaller blocks are malloc'd */

#define SEI_BLOCK_ALIGN 16
#define SEI_BLOCK_HEAD ((sizeof(sei_block) + SEI_BLOCK_ALIGN - 1) & ~(size_t)(SEI_BLOCK_ALIGN - 1))

sei_block *sei_block_new(size_t size) {
    void *p = size >= SEI_BLOCK_MAPPED_MIN
                  ? mmap(NULL, size, PROT_READ | PROT_WRITE,
                         MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0)
                  : malloc(size); /* aligned for any object, SEI_BLOCK_ALIGN included */
    if (!p || p == MAP_FAILED)
        return NULL;
    sei_block *b = p;
    atomic_init(&b->refs, 1);
    b->size = size;
    b->used = SEI_BLOCK_HEAD;
    return b;
}

static void block_free(sei_block *b) {
    if (b->size >= SEI_BLOCK_MAPPED_MIN)
        munmap(b, b->size);
    else
        free(b);
}

size_t sei_block_size(const sei_block *b) {
    return b->size;
}

size_t sei_block_room(const sei_block *b) {
    return b ? b->size - b->used : 0;
}

void *sei_block_alloc(sei_block *b, size_t n) {
    n = (n + SEI_BLOCK_ALIGN - 1) & ~(size_t)(SEI_BLOCK_ALIGN - 1);
    if (!b || n > b->size - b->used)
        return NULL;
    void *p = (char *)b + b->used;
    b->used += n;
    atomic_fetch_add_explicit(&b->refs, 1, memory_order_relaxed);
    return p;
}

bool sei_block_drop(sei_block *b) {
    if (!b || atomic_fetch_sub_explicit(&b->refs, 1, memory_order_acq_rel) != 1)
        return false;
    b->used = SEI_BLOCK_HEAD; /* empty again, and held by whoever dropped the last */
    atomic_store_explicit(&b->refs, 1, memory_order_relaxed);
    return true;
}

void sei_block_release(sei_block *b) {
    if (b && atomic_fetch_sub_explicit(&b->refs, 1, memory_order_acq_rel) == 1)
        block_free(b);
}
