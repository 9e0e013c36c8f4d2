#ifndef NM_SHA256_H
#define NM_SHA256_H
/*
 * The SHA-256 block function on the x86 SHA extensions (SHA-NI). The resume cache hashes every note's text,
 * and the portable Swift block function ran at about 110 MB/s, a few percent of a batch run; the instructions
 * do the same work about ten times faster. Swift keeps the portable version as the fallback and as the
 * reference the tests compare this one with.
 */
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The 64 round constants K of FIPS 180-4 (one table for both block functions). */
const uint32_t *nm_sha256_round_constants(void);

/* 1 when this CPU has the SHA extensions (and SSSE3/SSE4.1, which the code also uses), else 0. */
int nm_sha256_hw_available(void);

/* Compresses `blocks` 64-byte blocks at `data` into `state` (the eight working words h0..h7, host order).
   Call only when nm_sha256_hw_available() returned 1; on other builds it does nothing and returns 0. */
int nm_sha256_hw_compress(uint32_t state[8], const uint8_t *data, size_t blocks);

#ifdef __cplusplus
}
#endif
#endif
