#include "nm_icu.h"

#include <string.h>
#include <stdlib.h>
#include <unicode/ubrk.h>
#include <unicode/uchar.h>
#include <unicode/unorm2.h>
#include <unicode/ustring.h>
#include <unicode/utext.h>
#include <unicode/uscript.h>
#include <unicode/uversion.h>

/* One iterator of each kind per thread: opening a break iterator loads and compiles rule data, which costs far
   more than breaking a typical note. They live as long as the thread. */
static __thread UBreakIterator *tl_sentence = NULL;
static __thread UBreakIterator *tl_word = NULL;

static UBreakIterator *thread_iterator(UBreakIteratorType type, UErrorCode *err) {
    UBreakIterator **slot = (type == UBRK_SENTENCE) ? &tl_sentence : &tl_word;
    if (*slot == NULL) {
        *slot = ubrk_open(type, "en_US", NULL, 0, err);
        if (U_FAILURE(*err)) { *slot = NULL; return NULL; }
    }
    return *slot;
}

int32_t nm_icu_nfkc_casefold(const uint8_t *src, int32_t src_len, uint8_t *dst, int32_t dst_cap, int32_t *status) {
    UErrorCode err = U_ZERO_ERROR;
    *status = 0;
    const UNormalizer2 *norm = unorm2_getNFKCCasefoldInstance(&err);
    if (U_FAILURE(err)) { *status = (int32_t)err; return 0; }
    /* UTF-8 → UTF-16 → normalize → UTF-8. Stack buffers serve short tokens; heap for the rest. */
    UChar stack16[256], stackOut[512];
    UChar *u16 = stack16, *out16 = stackOut;
    int32_t u16_len = 0;
    u_strFromUTF8WithSub(NULL, 0, &u16_len, (const char *)src, src_len, 0xFFFD, NULL, &err);
    if (err == U_BUFFER_OVERFLOW_ERROR) err = U_ZERO_ERROR;
    if (U_FAILURE(err)) { *status = (int32_t)err; return 0; }
    if (u16_len > 256) u16 = (UChar *)malloc(sizeof(UChar) * (size_t)u16_len);
    u_strFromUTF8WithSub(u16, u16_len, NULL, (const char *)src, src_len, 0xFFFD, NULL, &err);
    if (err == U_STRING_NOT_TERMINATED_WARNING) err = U_ZERO_ERROR;
    int32_t out_cap = u16_len * 4 + 16;
    if (out_cap > 512) out16 = (UChar *)malloc(sizeof(UChar) * (size_t)out_cap);
    int32_t out_len = unorm2_normalize(norm, u16, u16_len, out16, out_cap, &err);
    if (err == U_STRING_NOT_TERMINATED_WARNING) err = U_ZERO_ERROR;
    int32_t result = 0;
    if (U_SUCCESS(err)) {
        u_strToUTF8WithSub((char *)dst, dst_cap, &result, out16, out_len, 0xFFFD, NULL, &err);
        if (err == U_BUFFER_OVERFLOW_ERROR) { *status = -1; err = U_ZERO_ERROR; }
        else if (err == U_STRING_NOT_TERMINATED_WARNING) err = U_ZERO_ERROR;
    }
    if (U_FAILURE(err)) *status = (int32_t)err;
    if (u16 != stack16) free(u16);
    if (out16 != stackOut) free(out16);
    return result;
}

static int32_t collect_breaks(UBreakIteratorType type, const uint8_t *src, int64_t len, int32_t *out,
                              int32_t *rule_status, int32_t cap, int32_t *status) {
    UErrorCode err = U_ZERO_ERROR;
    *status = 0;
    if (len <= 0) return 0;
    UBreakIterator *bi = thread_iterator(type, &err);
    if (bi == NULL) { *status = (int32_t)err; return 0; }
    UText *ut = utext_openUTF8(NULL, (const char *)src, len, &err);
    if (U_FAILURE(err)) { *status = (int32_t)err; return 0; }
    ubrk_setUText(bi, ut, &err);
    if (U_FAILURE(err)) { utext_close(ut); *status = (int32_t)err; return 0; }
    int32_t n = 0;
    for (int32_t b = ubrk_next(bi); b != UBRK_DONE; b = ubrk_next(bi)) {
        if (n < cap) {
            out[n] = b; /* UText over UTF-8: native indexes are byte offsets */
            if (rule_status) rule_status[n] = ubrk_getRuleStatus(bi);
        }
        n++;
    }
    /* Detach the text before closing it so the cached iterator never points at freed memory. */
    UErrorCode e2 = U_ZERO_ERROR;
    ubrk_setText(bi, NULL, 0, &e2);
    utext_close(ut);
    if (n > cap) *status = -1;
    return n;
}

int32_t nm_icu_sentence_breaks(const uint8_t *src, int64_t len, int32_t *out, int32_t cap, int32_t *status) {
    return collect_breaks(UBRK_SENTENCE, src, len, out, NULL, cap, status);
}

int32_t nm_icu_word_breaks(const uint8_t *src, int32_t len, int32_t *out, int32_t *rule_status, int32_t cap, int32_t *status) {
    return collect_breaks(UBRK_WORD, src, len, out, rule_status, cap, status);
}

int32_t nm_icu_char_class(uint32_t cp) {
    UChar32 c = (UChar32)cp;
    if (c == 0x0A || c == 0x0D || c == 0x0B || c == 0x0C || c == 0x85 || c == 0x2028 || c == 0x2029) return NM_CHAR_NEWLINE;
    if (u_hasBinaryProperty(c, UCHAR_EXTENDED_PICTOGRAPHIC) || (c >= 0x1F1E6 && c <= 0x1F1FF)) {
        /* Digits, '#', '*', ©, ® are Extended_Pictographic only as emoji bases; keep ASCII-ish ones out. */
        if (c >= 0x80 && c != 0xA9 && c != 0xAE) return NM_CHAR_EMOJI;
    }
    if (c == 0x200D || (c >= 0xFE00 && c <= 0xFE0F) || (c >= 0xE0100 && c <= 0xE01EF) ||
        (c >= 0x1F3FB && c <= 0x1F3FF) || (c >= 0xE0020 && c <= 0xE007F)) return NM_CHAR_MARK;
    int8_t t = u_charType(c);
    switch (t) {
    case U_NON_SPACING_MARK: case U_ENCLOSING_MARK: case U_COMBINING_SPACING_MARK:
        return NM_CHAR_MARK;
    case U_DECIMAL_DIGIT_NUMBER:
        return NM_CHAR_DIGIT;
    case U_SPACE_SEPARATOR:
        return NM_CHAR_SPACE;
    case U_LINE_SEPARATOR: case U_PARAGRAPH_SEPARATOR:
        return NM_CHAR_NEWLINE;
    case U_DASH_PUNCTUATION: case U_START_PUNCTUATION: case U_END_PUNCTUATION: case U_CONNECTOR_PUNCTUATION:
    case U_OTHER_PUNCTUATION: case U_INITIAL_PUNCTUATION: case U_FINAL_PUNCTUATION:
        return NM_CHAR_PUNCT;
    case U_MATH_SYMBOL: case U_CURRENCY_SYMBOL: case U_MODIFIER_SYMBOL: case U_OTHER_SYMBOL:
        return NM_CHAR_SYMBOL;
    case U_CONTROL_CHAR: case U_FORMAT_CHAR: case U_SURROGATE: case U_PRIVATE_USE_CHAR: case U_UNASSIGNED:
        if (u_isWhitespace(c)) return NM_CHAR_SPACE;
        return NM_CHAR_CONTROL;
    default:
        break;
    }
    if (u_isalpha(c) || t == U_LETTER_NUMBER || t == U_OTHER_NUMBER) {
        UErrorCode err = U_ZERO_ERROR;
        UScriptCode s = uscript_getScript(c, &err);
        if (s == USCRIPT_HAN || s == USCRIPT_HIRAGANA || s == USCRIPT_KATAKANA || s == USCRIPT_THAI ||
            s == USCRIPT_LAO || s == USCRIPT_KHMER || s == USCRIPT_MYANMAR)
            return NM_CHAR_IDEOGRAPHIC;
        return NM_CHAR_LETTER;
    }
    if (u_isWhitespace(c)) return NM_CHAR_SPACE;
    return NM_CHAR_OTHER;
}

const char *nm_icu_version(void) {
    static char buf[U_MAX_VERSION_STRING_LENGTH];
    UVersionInfo v;
    u_getVersion(v);
    u_versionToString(v, buf);
    return buf;
}
