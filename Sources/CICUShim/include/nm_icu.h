#ifndef NM_ICU_H
#define NM_ICU_H
/*
 * NoteMiner's only door to ICU. Exposes plain C types so that Swift never imports ICU headers
 * (Foundation on Linux carries its own ICU module whose enums clash, and ICU's versioned symbol
 * names such as ubrk_open_72 are invisible to Swift). All text is UTF-8; all offsets are UTF-8
 * byte offsets relative to the start of the buffer passed in.
 *
 * Break iterators are cached per thread, so every function here is safe to call concurrently
 * from different threads and cheap to call once per note.
 */
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Status: 0 = ok, > 0 = ICU error code (see u_errorName), -1 = buffer too small (return value says how much is needed). */

/* NFKC_Casefold of UTF-8 `src` into `dst` (capacity `dst_cap` bytes). Returns the UTF-8 length of the result,
   which may exceed `dst_cap` (then *status = -1 and nothing useful is written). */
int32_t nm_icu_nfkc_casefold(const uint8_t *src, int32_t src_len, uint8_t *dst, int32_t dst_cap, int32_t *status);

/* ICU sentence boundaries of UTF-8 text. Writes boundary offsets in increasing order, excluding 0 and
   including `len` when len > 0. Returns the number of boundaries, which may exceed `cap` (*status = -1). */
int32_t nm_icu_sentence_breaks(const uint8_t *src, int64_t len, int32_t *out, int32_t cap, int32_t *status);

/* ICU word boundaries of UTF-8 text (dictionary-based for scripts written without spaces). Writes boundary
   offsets (excluding 0) and, in `rule_status`, the rule status of the segment ending at each boundary
   (0-99 none/punctuation, 100-199 number, 200-299 letter, 300-399 kana, 400-499 ideo). Returns the count
   which may exceed `cap` (*status = -1). */
int32_t nm_icu_word_breaks(const uint8_t *src, int32_t len, int32_t *out, int32_t *rule_status, int32_t cap, int32_t *status);

/* Coarse character classes for tokenization of non-ASCII code points. */
enum {
    NM_CHAR_OTHER = 0,
    NM_CHAR_LETTER = 1,      /* alphabetic, including marks that extend letters */
    NM_CHAR_DIGIT = 2,       /* decimal digit */
    NM_CHAR_SPACE = 3,       /* white space other than line breaks */
    NM_CHAR_NEWLINE = 4,     /* line or paragraph separators, NEL */
    NM_CHAR_PUNCT = 5,       /* punctuation (dashes, quotes, brackets, ...) */
    NM_CHAR_SYMBOL = 6,      /* math, currency, modifier and other symbols */
    NM_CHAR_EMOJI = 7,       /* Extended_Pictographic, regional indicators */
    NM_CHAR_MARK = 8,        /* combining marks, ZWJ, variation selectors */
    NM_CHAR_IDEOGRAPHIC = 9, /* scripts written without spaces: Han, Hiragana, Katakana, Thai, Lao, Khmer, Myanmar */
    NM_CHAR_CONTROL = 10     /* control and format characters other than the above */
};
int32_t nm_icu_char_class(uint32_t code_point);

/* ICU version string, for --version and provenance. */
const char *nm_icu_version(void);

#ifdef __cplusplus
}
#endif
#endif
