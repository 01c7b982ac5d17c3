# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True
"""Per-block arrays of the HTML features in C (compiled; see ``features_html.block_arrays_python``).

One loop over the segments reads their fields and one pass over each block's code points counts the character
classes, word starts, sentence ends and the terminal punctuation, and splits the lower-cased text into its
``\\w+`` tokens (``re``'s own test: ``Py_UNICODE_ISALNUM`` or "_") for the stopword shares and line keys. The
numpy twin computes the same integers; the only float, a share, is one division, as numpy's.
"""

import numpy as np

from cpython.unicode cimport (
    Py_UNICODE_ISALNUM,
    PyUnicode_DATA,
    PyUnicode_GET_LENGTH,
    PyUnicode_KIND,
)

from libc.stdlib cimport calloc, free, malloc, realloc

cdef extern from "Python.h":
    enum:
        PyUnicode_1BYTE_KIND
        PyUnicode_2BYTE_KIND
        PyUnicode_4BYTE_KIND
    object PyUnicode_FromKindAndData(int kind, const void* buffer, Py_ssize_t size)

from libc.stdint cimport int64_t, uint8_t, uint16_t, uint32_t, uint64_t

# Columns of the integer array after the segment fields (``features_html._STAT_COLS`` names them).
cdef enum:
    C_LEN, C_DIGIT, C_PUNCT, C_CJK, C_CAPS, C_WORDS, C_COMMA, C_SENT, C_DOT_COLON, C_TERMINAL, C_TOKENS, C_KIND
    C_TAG, N_STATS


cdef inline bint _space(Py_UCS4 c) noexcept nogil:
    return c == 32 or c == 10 or c == 9


cdef inline bint _cjk(Py_UCS4 c) noexcept nogil:
    return 0x3040 <= c <= 0x30FF or 0x3400 <= c <= 0x9FFF or 0xAC00 <= c <= 0xD7AF


cdef inline bint _alnum(Py_UCS4 c) noexcept nogil:
    """``features_html._char_stats``'s digit | upper | lower | cjk | other letter."""
    if 48 <= c <= 57 or 65 <= c <= 90 or 97 <= c <= 122:
        return True
    if c < 0xC0:
        return False
    if c < 0x250:
        return c != 0xD7 and c != 0xF7
    if _cjk(c):
        return True
    return not (0x2000 <= c <= 0x2BFF or 0x3000 <= c <= 0x303F)


cdef inline bint _upper(Py_UCS4 c) noexcept nogil:
    return 65 <= c <= 90 or (0xC0 <= c <= 0xDE and c != 0xD7)


cdef inline bint _stop(Py_UCS4 c) noexcept nogil:
    return c == 46 or c == 33 or c == 63 or c == 0x3002 or c == 0xFF01 or c == 0xFF1F


cdef inline bint _closer(Py_UCS4 c) noexcept nogil:
    return c == 39 or c == 34 or c == 0x201D or c == 0x2019 or c == 0xBB or c == 41 or c == 93


cdef inline bint _terminal(Py_UCS4 c) noexcept nogil:
    return _stop(c) or c == 0x2026


# ``Py_UNICODE_ISALNUM`` of recent non-ASCII code points, by code point modulo 1024 (a key of 0, an ASCII code
# point, is never asked for): pages repeat a few scripts' letters, and the Unicode lookup costs ~40 instructions.
cdef uint32_t _alnum_key[1024]
cdef bint _alnum_value[1024]


cdef inline bint _word(Py_UCS4 c) noexcept:
    """``re``'s ``\\w`` in str patterns: alphanumeric (``str.isalnum``) or "_"."""
    cdef uint32_t slot
    if c < 128:
        return 48 <= c <= 57 or 65 <= c <= 90 or 97 <= c <= 122 or c == 95
    slot = (<uint32_t>c) & 1023
    if _alnum_key[slot] != <uint32_t>c:
        _alnum_key[slot] = <uint32_t>c
        _alnum_value[slot] = Py_UNICODE_ISALNUM(c)
    return _alnum_value[slot]


ctypedef fused uchar:  # the code unit of each string kind (PEP 393)
    uint8_t
    uint16_t
    uint32_t


cdef void _char_counts(const uchar* s, Py_ssize_t n, int64_t* row) noexcept:
    """Character-class counts and the terminal flag of one block into ``row[C_LEN:C_TOKENS]``."""
    cdef Py_ssize_t i
    cdef Py_UCS4 c
    cdef bint prev_space = True, space
    cdef int64_t digit = 0, punct = 0, cjk = 0, caps = 0, words = 0, comma = 0, sent = 0, dot_colon = 0
    for i in range(n):
        c = s[i]
        space = _space(c)
        if not space:
            if prev_space:
                words += 1
                if _upper(c):
                    caps += 1
            if c < 128:
                if 48 <= c <= 57:
                    digit += 1
                elif not (65 <= c <= 90 or 97 <= c <= 122):
                    punct += 1
                    if c == 44:
                        comma += 1
                    elif c == 46 or c == 58:
                        dot_colon += 1
            elif _cjk(c):
                cjk += 1
            elif not _alnum(c):
                punct += 1
            if _stop(c) and (i + 1 == n or _space(s[i + 1])):
                sent += 1
        prev_space = space
    i = n - 1
    while i >= 0 and _closer(s[i]):
        i -= 1
    row[C_LEN] = n
    row[C_DIGIT] = digit
    row[C_PUNCT] = punct
    row[C_CJK] = cjk
    row[C_CAPS] = caps
    row[C_WORDS] = words
    row[C_COMMA] = comma
    row[C_SENT] = sent
    row[C_DOT_COLON] = dot_colon
    row[C_TERMINAL] = 1 if i >= 0 and _terminal(s[i]) else 0


cdef void _text_counts(str text, int64_t* row) noexcept:
    cdef Py_ssize_t n = PyUnicode_GET_LENGTH(text)
    cdef int kind = PyUnicode_KIND(text)
    cdef void* data = PyUnicode_DATA(text)
    if kind == PyUnicode_1BYTE_KIND:
        _char_counts(<const uint8_t*>data, n, row)
    elif kind == PyUnicode_2BYTE_KIND:
        _char_counts(<const uint16_t*>data, n, row)
    else:
        _char_counts(<const uint32_t*>data, n, row)


cdef class _Stoplist:
    """``stopwords.word_languages()`` as an open-addressing hash table over code points, so a token is looked
    up where it lies in the text, without a string object (and its hash) per token."""

    cdef object source
    cdef Py_ssize_t mask
    cdef uint64_t* hashes
    cdef int64_t* bits
    cdef Py_ssize_t* starts  # -1: empty slot
    cdef Py_ssize_t* lengths
    cdef uint32_t* chars

    def __cinit__(self, dict word_bits):
        cdef Py_ssize_t size = 16, total = 0, at = 0, i, slot
        cdef str word
        cdef uint64_t h
        self.source = word_bits
        while size < 2 * len(word_bits) + 16:
            size *= 2
        for word in word_bits:
            total += PyUnicode_GET_LENGTH(word)
        self.mask = size - 1
        self.hashes = <uint64_t*>calloc(size, sizeof(uint64_t))
        self.bits = <int64_t*>calloc(size, sizeof(int64_t))
        self.starts = <Py_ssize_t*>malloc(size * sizeof(Py_ssize_t))
        self.lengths = <Py_ssize_t*>calloc(size, sizeof(Py_ssize_t))
        self.chars = <uint32_t*>malloc((total + 1) * sizeof(uint32_t))
        if not (self.hashes and self.bits and self.starts and self.lengths and self.chars):
            raise MemoryError()
        for slot in range(size):
            self.starts[slot] = -1
        for word, value in word_bits.items():
            h = _FNV_OFFSET
            for i in range(PyUnicode_GET_LENGTH(word)):
                self.chars[at + i] = word[i]
                h = (h ^ <uint32_t>word[i]) * _FNV_PRIME
            slot = <Py_ssize_t>(h & <uint64_t>self.mask)
            while self.starts[slot] >= 0:
                slot = (slot + 1) & self.mask
            self.hashes[slot] = h
            self.bits[slot] = value
            self.starts[slot] = at
            self.lengths[slot] = PyUnicode_GET_LENGTH(word)
            at += PyUnicode_GET_LENGTH(word)

    def __dealloc__(self):
        free(self.hashes)
        free(self.bits)
        free(self.starts)
        free(self.lengths)
        free(self.chars)


cdef uint64_t _FNV_OFFSET = 14695981039346656037ULL
cdef uint64_t _FNV_PRIME = 1099511628211ULL
cdef _Stoplist _stoplist = None


cdef int64_t _lookup(_Stoplist table, const uchar* s, Py_ssize_t n, uint64_t h) noexcept:
    """The language bits of the token ``s[:n]`` (hash ``h``), 0 when no stoplist has it."""
    cdef Py_ssize_t slot = <Py_ssize_t>(h & <uint64_t>table.mask), i
    cdef const uint32_t* word
    while table.starts[slot] >= 0:
        if table.hashes[slot] == h and table.lengths[slot] == n:
            word = table.chars + table.starts[slot]
            for i in range(n):
                if word[i] != s[i]:
                    break
            else:
                return table.bits[slot]
        slot = (slot + 1) & table.mask
    return 0


cdef struct _Tokens:
    int64_t* bits  # per token of the page, its language bits
    Py_ssize_t n, cap
    int64_t per_lang[64]  # tokens per language


cdef int _scan(const uchar* s, Py_ssize_t n, _Stoplist table, Py_ssize_t n_languages, _Tokens* out,
               uint32_t* key, Py_ssize_t* key_len) except -1:
    """Adds the ``\\w+`` runs of ``s[:n]`` to ``out``; with ``key``, also writes them there joined by spaces.
    Returns their number."""
    cdef Py_ssize_t i = 0, start, k, count = 0
    cdef uint64_t h
    cdef int64_t b
    cdef int64_t* grown
    while i < n:
        if _word(s[i]):
            start = i
            h = _FNV_OFFSET
            while i < n and _word(s[i]):
                h = (h ^ <uint32_t>s[i]) * _FNV_PRIME
                i += 1
            count += 1
            b = _lookup(table, s + start, i - start, h)
            if out.n == out.cap:
                grown = <int64_t*>realloc(out.bits, 2 * out.cap * sizeof(int64_t))
                if grown == NULL:
                    raise MemoryError()
                out.bits = grown
                out.cap *= 2
            out.bits[out.n] = b
            out.n += 1
            if b:
                for k in range(n_languages):
                    if (b >> k) & 1:
                        out.per_lang[k] += 1
            if key != NULL:
                if key_len[0]:
                    key[key_len[0]] = 32
                    key_len[0] += 1
                for k in range(start, i):
                    key[key_len[0]] = s[k]
                    key_len[0] += 1
        else:
            i += 1
    return count


cdef Py_ssize_t _text_tokens(str low, _Stoplist table, Py_ssize_t n_languages, _Tokens* out,
                             uint32_t* key, Py_ssize_t* key_len) except -1:
    cdef Py_ssize_t n = PyUnicode_GET_LENGTH(low)
    cdef int kind = PyUnicode_KIND(low)
    cdef void* data = PyUnicode_DATA(low)
    if kind == PyUnicode_1BYTE_KIND:
        return _scan(<const uint8_t*>data, n, table, n_languages, out, key, key_len)
    if kind == PyUnicode_2BYTE_KIND:
        return _scan(<const uint16_t*>data, n, table, n_languages, out, key, key_len)
    return _scan(<const uint32_t*>data, n, table, n_languages, out, key, key_len)


def block_arrays(list segments, tuple fields, Py_ssize_t levels, Py_ssize_t groups, dict kind_id,
                 Py_ssize_t other_kind, dict tag_id, dict word_bits, Py_ssize_t n_languages,
                 Py_ssize_t short, Py_ssize_t key_max, normalise):
    """``features_html.block_arrays_python``, in one loop over the segments."""
    global _stoplist
    cdef Py_ssize_t n = len(segments), nf = len(fields), i, j, k, t, best, count, key_len
    cdef Py_ssize_t at_stats = nf + 2 * levels + groups, width = at_stats + N_STATS, length
    if not 0 < n_languages <= 63:
        raise ValueError("between 1 and 63 stoplists are supported")
    if _stoplist is None or _stoplist.source is not word_bits:
        _stoplist = _Stoplist(word_bits)
    cdef _Stoplist table = _stoplist
    ints = np.zeros((n, width), dtype=np.int64)
    stop = np.zeros(n)
    cdef int64_t[:, ::1] iv = ints
    cdef double[::1] sv = stop
    cdef int64_t* row
    cdef list texts = [None] * n, lowered = [None] * n, keys = [None] * n
    cdef int64_t hits
    cdef str text, low
    cdef tuple values
    cdef object got
    cdef _Tokens toks
    cdef uint32_t* key = NULL
    cdef Py_ssize_t key_cap = 0
    token_start = np.zeros(n + 1, dtype=np.int64)
    cdef int64_t[::1] ts = token_start  # block i's tokens are toks.bits[ts[i]:ts[i + 1]]
    toks.n = 0
    toks.cap = 1024
    toks.bits = <int64_t*>malloc(toks.cap * sizeof(int64_t))
    if toks.bits == NULL:
        raise MemoryError()
    for k in range(64):
        toks.per_lang[k] = 0
    try:
        for i in range(n):
            seg = segments[i]
            row = &iv[i, 0]
            for j in range(nf):
                row[j] = getattr(seg, <str>fields[j])
            values = seg.ancestors
            for j in range(levels):
                row[nf + j] = values[j]
            values = seg.ancestor_ends
            for j in range(levels):
                row[nf + levels + j] = values[j]
            values = seg.class_dist
            for j in range(groups):
                row[nf + 2 * levels + j] = values[j]
            got = kind_id.get(seg.kind)
            row[at_stats + C_KIND] = other_kind if got is None else got
            got = tag_id.get(seg.tag)
            row[at_stats + C_TAG] = -1 if got is None else got
            text = seg.text
            texts[i] = text
            _text_counts(text, row + at_stats)
            length = PyUnicode_GET_LENGTH(text)
            low = text.lower()
            lowered[i] = low if length < short else ""
            ts[i] = toks.n
            key_len = 0
            if length < key_max and "_" not in text:  # the key: the tokens joined by single spaces
                if key_cap < 2 * PyUnicode_GET_LENGTH(low) + 1:
                    key_cap = 2 * PyUnicode_GET_LENGTH(low) + 1
                    free(key)
                    key = <uint32_t*>malloc(key_cap * sizeof(uint32_t))
                    if key == NULL:
                        raise MemoryError()
                row[at_stats + C_TOKENS] = _text_tokens(low, table, n_languages, &toks, key, &key_len)
                keys[i] = PyUnicode_FromKindAndData(PyUnicode_4BYTE_KIND, key, key_len)
            else:
                row[at_stats + C_TOKENS] = _text_tokens(low, table, n_languages, &toks, NULL, &key_len)
                keys[i] = text if length >= key_max else normalise(text)
        ts[n] = toks.n
        best = 0
        for k in range(1, n_languages):
            if toks.per_lang[k] > toks.per_lang[best]:
                best = k
        if toks.per_lang[best] == 0:
            return texts, lowered, keys, ints, stop, False
        for i in range(n):
            hits = 0
            for t in range(ts[i], ts[i + 1]):
                hits += (toks.bits[t] >> best) & 1
            if iv[i, at_stats + C_TOKENS]:
                sv[i] = <double>hits / <double>iv[i, at_stats + C_TOKENS]
        return texts, lowered, keys, ints, stop, True
    finally:
        free(toks.bits)
        free(key)


cdef inline bint _ascii_upper(Py_UCS4 c) noexcept:
    return 65 <= c <= 90


cdef inline bint _ascii_lower(Py_UCS4 c) noexcept:
    return 97 <= c <= 122


def label_centi(str label, dict centi):
    """``(sum, count)`` of the ``centi`` values of the known words of a path label: ``lexicon.class_words``
    (distinct runs of ASCII letters of 2+, split at camelCase, after the first "." or "#") without a regex;
    ``Lexicon.label_value`` is the Python twin."""
    cdef Py_ssize_t n = PyUnicode_GET_LENGTH(label), i, j, at_dot = label.find("."), at_hash = label.find("#")
    cdef Py_ssize_t at = at_dot if at_hash < 0 or 0 <= at_dot < at_hash else at_hash
    cdef long total = 0, count = 0
    cdef Py_UCS4 c
    cdef list seen = []
    if at < 0:
        return 0, 0
    i = at + 1
    while i < n:
        c = label[i]
        if _ascii_upper(c) and i + 1 < n and _ascii_lower(label[i + 1]):
            j = i + 2
            while j < n and _ascii_lower(label[j]):
                j += 1
        elif _ascii_lower(c):
            j = i + 1
            while j < n and _ascii_lower(label[j]):
                j += 1
        elif _ascii_upper(c):  # [A-Z]+(?![a-z]): an upper-case run, less its last letter if a lower follows
            j = i + 1
            while j < n and _ascii_upper(label[j]):
                j += 1
            if j < n and _ascii_lower(label[j]):
                j -= 1
        else:
            i += 1
            continue
        if j - i > 1:
            word = label[i:j].lower()
            if word not in seen:
                seen.append(word)
                value = centi.get(word)
                if value is not None:
                    total += <long>value
                    count += 1
        i = j
    return total, count
