/* scan.h - skipping plain text eight bytes at a time.
 *
 * Request texts are mostly long runs of ordinary characters (tokens, ids,
 * content types); checking them a byte at a time was a visible part of the
 * cost of a send. A word holds 8 bytes; the classic bit tricks tell whether
 * any of them is below 0x20 or equal to a given byte. They may report a match
 * in a word that has none past the first true one, never miss one: a flagged
 * word is then looked at byte by byte. */
#ifndef SEI_SCAN_H
#define SEI_SCAN_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define SEI_SCAN_ONES 0x0101010101010101ULL
#define SEI_SCAN_HIGHS 0x8080808080808080ULL

/* Nonzero when some byte of x is below n (n <= 0x80). */
static inline uint64_t sei_scan_below(uint64_t x, unsigned n) {
    return (x - SEI_SCAN_ONES * n) & ~x & SEI_SCAN_HIGHS;
}

/* Nonzero when some byte of x equals c. */
static inline uint64_t sei_scan_has(uint64_t x, unsigned char c) {
    return sei_scan_below(x ^ (SEI_SCAN_ONES * c), 1);
}

/* Offset of the first whole word of s[0..n) that may hold a control character
 * (< 0x20), byte a or byte b; the rest is for a byte-by-byte look. */
static inline size_t sei_scan_words(const unsigned char *s, size_t n, unsigned char a,
                                    unsigned char b) {
    size_t i = 0;
    for (uint64_t x; i + 8 <= n; i += 8) {
        memcpy(&x, s + i, 8);
        if (sei_scan_below(x, 0x20) | sei_scan_has(x, a) | sei_scan_has(x, b))
            break;
    }
    return i;
}

/* Length of the leading run of s[0..n) with no control character (< 0x20)
 * and neither byte a nor byte b. */
static inline size_t sei_scan_plain(const unsigned char *s, size_t n, unsigned char a,
                                    unsigned char b) {
    size_t i = sei_scan_words(s, n, a, b);
    while (i < n && s[i] >= 0x20 && s[i] != a && s[i] != b)
        i++;
    return i;
}

#endif
