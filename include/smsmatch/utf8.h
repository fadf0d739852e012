/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * utf8.h - the UTF-8 and hex primitives every text path shares: the PDU
 * codec, text folding, the modem simulator.
 */
#ifndef SMSMATCH_UTF8_H
#define SMSMATCH_UTF8_H

#include <stddef.h>
#include <stdint.h>

/*
 * Decode the code point at @s, reading at most @len bytes and never past a
 * byte that cannot continue the sequence (so a NUL-terminated string is
 * safe with any @len >= 1).  Returns the sequence length (1-4) with the
 * code point in *@cp, or 0 for NUL, a truncated or invalid sequence, an
 * overlong form, a surrogate or a value above U+10FFFF.
 */
size_t sm_utf8_decode(const char *s, size_t len, uint32_t *cp);

/*
 * Encode @cp (at most U+10FFFF, not a surrogate: the caller's promise) into
 * @out, which has room for 4 bytes.  Returns the length written (1-4).
 */
size_t sm_utf8_encode(uint32_t cp, char *out);

/* The value of hex digit @c (either case), or -1. */
int sm_hex_digit(char c);

#endif
