# cython: language_level=3
"""The segmenter compiled (see ``segment_html.segment_html``); ``segment_html.segments_python`` is its twin.

It does what ``segment_html.walk_python`` does with ``etree.iterwalk``, step for step, but reads the libxml2
nodes under an lxml element directly (lxml's public C API), so no Python object is made per element or per
attribute. Text nodes are read in runs, as lxml's ``.text`` and ``.tail`` join them. The rare steps that look
into a subtree (``<button>``, ``<noscript>``) take the element's Python proxy and run the Python code.
Per block, the open blocks are typed frames and a segment's context (class distances, ancestors, path, repeat
keys) and the block text's whitespace collapse are done in C, and so is the matching of class words in tokens
new to the cache (``token_bits``); the block kind, path labels and class-string cache are the Python module's.
"""

from cpython.unicode cimport PyUnicode_DecodeASCII, PyUnicode_DecodeUTF8
from libc.stdlib cimport free, malloc
from libc.string cimport strcmp, strlen
from lxml.includes cimport etreepublic as cetree
from lxml.includes cimport tree
from lxml.includes.tree cimport xmlAttr, xmlNode

from declutter import xpaths
from declutter.patterns import prefix_trie
from declutter.parse import HIDDEN_CLASS_HINTS, hidden_class, hidden_style
from declutter.segment_html import (
    _LIST_TAGS,
    ANCESTOR_LEVELS,
    CONTEXT_BIT,
    GROUPS,
    REPEAT_LEVELS,
    WS_CHARS,
    _WORD_BITS,
    HtmlSegment,
    _last_is_break,
    _text_content,
    block_kind,
    block_text,
    class_bits,
    frame_label,
    token_bits_python,
)

cetree.import_lxml__etree()

cdef object _BLOCK_TAGS = xpaths.BLOCK_TAGS
cdef object _CELL_TAGS = xpaths.TABLE_CELL_TAGS
cdef object _CONTROL_TAGS = xpaths.CONTROL_TAGS
cdef object _CTX_BIT = CONTEXT_BIT
cdef int _NOSCRIPT_MIN_WORDS = xpaths.NOSCRIPT_MIN_WORDS
cdef tuple _HIDDEN_HINTS = HIDDEN_CLASS_HINTS
cdef Py_ssize_t _N_GROUPS = len(GROUPS)
cdef Py_ssize_t _ANCESTOR_LEVELS = ANCESTOR_LEVELS
cdef Py_ssize_t _REPEAT_LEVELS = REPEAT_LEVELS
assert _N_GROUPS <= 64 and len(CONTEXT_BIT) <= 63  # both are bit sets in a C integer here
#: The attributes the walk reads (only their values are ever decoded), and their names as C strings.
cdef tuple _ATTRS = ("class", "style", "hidden", "aria-hidden", "id", "role", "itemprop", "itemtype")
cdef tuple _ATTR_BYTES = tuple(name.encode() for name in _ATTRS)  # owns the memory _ATTR_NAMES points to
cdef enum:
    N_ATTRS = 8
assert len(_ATTRS) == N_ATTRS
cdef const char* _ATTR_NAMES[N_ATTRS]
for _i in range(N_ATTRS):
    _ATTR_NAMES[_i] = <const char*>_ATTR_BYTES[_i]


cdef inline int _attr_slot(const char* name) noexcept:
    """The attribute's index in ``_ATTRS``, or -1."""
    cdef int i
    for i in range(N_ATTRS):
        if strcmp(name, _ATTR_NAMES[i]) == 0:
            return i
    return -1


# The class-word vocabulary's prefix trie (``patterns.prefix_trie``) as flat C tables over a..z, for
# ``token_bits``: node k's child for letter c is ``_TRIE_NEXT[k * 26 + c]`` (-1: none).
cdef int _TRIE_LETTERS = 26
cdef list _trie_nodes = [("", prefix_trie(list(_WORD_BITS)))]  # (prefix, node), breadth first
for _prefix, _node in _trie_nodes:  # grows while it runs
    _trie_nodes.extend((_prefix + _ch, _child) for _ch, _child in sorted(_node.items()) if _ch)
cdef dict _trie_index = {_prefix: _k for _k, (_prefix, _node) in enumerate(_trie_nodes)}
cdef int* _TRIE_NEXT = <int*>malloc(len(_trie_nodes) * _TRIE_LETTERS * sizeof(int))
cdef unsigned long long* _TRIE_BITS = <unsigned long long*>malloc(len(_trie_nodes) * sizeof(unsigned long long))
cdef bint* _TRIE_END = <bint*>malloc(len(_trie_nodes) * sizeof(bint))
if _TRIE_NEXT is NULL or _TRIE_BITS is NULL or _TRIE_END is NULL:
    raise MemoryError()
for _k, (_prefix, _node) in enumerate(_trie_nodes):
    for _i in range(_TRIE_LETTERS):
        _TRIE_NEXT[_k * _TRIE_LETTERS + _i] = -1
    for _ch in _node:
        if _ch:
            assert "a" <= _ch <= "z", _prefix + _ch  # other characters would need a wider table
            _TRIE_NEXT[_k * _TRIE_LETTERS + ord(_ch) - 97] = _trie_index[_prefix + _ch]
    _TRIE_END[_k] = "" in _node
    _TRIE_BITS[_k] = _WORD_BITS.get(_prefix, 0)


cdef inline bint _ascii_alnum(unsigned char c) noexcept:
    return 97 <= c <= 122 or 48 <= c <= 57


def token_bits(str token):
    """``segment_html.token_bits_python`` in C for ASCII tokens: split camelCase and lower-case as its regex
    and ``str.lower`` do, then follow the vocabulary trie from every position to the longest word there
    (what its look-ahead regex matches)."""
    cdef Py_ssize_t n, m = 0, i, j, best
    cdef const unsigned char* src
    cdef unsigned char* low
    cdef unsigned char c
    cdef int node
    cdef unsigned long long bits = 0, best_bits
    if not token.isascii():
        return token_bits_python(token)  # str.lower of other scripts can change the length
    n = PyUnicode_GET_LENGTH(token)
    src = PyUnicode_1BYTE_DATA(token)
    low = <unsigned char*>malloc(2 * n + 1)
    if low is NULL:
        raise MemoryError()
    try:
        for i in range(n):
            c = src[i]
            if 65 <= c <= 90:
                if i and 97 <= src[i - 1] <= 122:
                    low[m] = 45  # "-" at a camelCase boundary
                    m += 1
                c += 32
            low[m] = c
            m += 1
        for i in range(m):
            node = 0
            best = 0
            best_bits = 0
            j = i
            while j < m and 97 <= low[j] <= 122:
                node = _TRIE_NEXT[node * _TRIE_LETTERS + low[j] - 97]
                if node < 0:
                    break
                j += 1
                if _TRIE_END[node]:
                    best = j - i
                    best_bits = _TRIE_BITS[node]
            if best == 0 or (best <= 3 and ((i and _ascii_alnum(low[i - 1]))
                                            or (i + best < m and _ascii_alnum(low[i + best])))):
                continue
            bits |= best_bits
        return bits
    finally:
        free(low)


cdef enum:  # what the walk does with a tag, as bits (``_TagInfo.flags``)
    T_BLOCK = 1
    T_CELL = 2
    T_CONTROL = 4
    T_NOSCRIPT = 8
    T_BR = 16
    T_A = 32
    T_IMG = 64
    T_PRE = 128
    T_HR = 256
    T_LIST = 512
    T_TR = 1024


cdef class _TagInfo:
    """A tag name and its role in the walk, looked up once per name and page."""
    cdef str name
    cdef int flags
    cdef long long ctx_bit
    cdef tuple kind, quoted_kind  # ``block_kind`` of a block with this tag, outside and inside a quote


cdef long long _QUOTE_BIT = CONTEXT_BIT["blockquote"]
cdef dict _TAG_INFOS = {}  # by name, across pages (bounded: custom element names are unbounded)


cdef _TagInfo _tag_info(str name):
    cdef _TagInfo t = _TAG_INFOS.get(name)
    if t is not None:
        return t
    t = _TagInfo.__new__(_TagInfo)
    t.name = name
    t.kind = block_kind(name, 0, 0)
    t.quoted_kind = block_kind(name, 0, _QUOTE_BIT)
    t.flags = ((T_BLOCK if name in _BLOCK_TAGS else 0) | (T_CELL if name in _CELL_TAGS else 0)
               | (T_CONTROL if name in _CONTROL_TAGS else 0) | (T_LIST if name in _LIST_TAGS else 0))
    for flag, tag in ((T_NOSCRIPT, "noscript"), (T_BR, "br"), (T_A, "a"), (T_IMG, "img"), (T_PRE, "pre"),
                      (T_HR, "hr"), (T_TR, "tr")):
        if name == tag:
            t.flags |= flag
    t.ctx_bit = _CTX_BIT.get(name, 0)
    if len(_TAG_INFOS) < 10_000:
        _TAG_INFOS[name] = t
    return t


cdef inline bint _maybe_hidden_class(str cls):
    """A cheap necessary condition for ``hidden_class`` (spares the Python call on most elements)."""
    for hint in _HIDDEN_HINTS:
        if hint in cls:
            return True
    return False


cdef extern from "Python.h":
    const unsigned char* PyUnicode_1BYTE_DATA(object)
    Py_ssize_t PyUnicode_GET_LENGTH(object)
    int PyUnicode_KIND(object)
    void* PyUnicode_DATA(object)
    Py_UCS4 PyUnicode_READ(int kind, void* data, Py_ssize_t index) noexcept
    object PyUnicode_FromKindAndData(int kind, const void* buffer, Py_ssize_t size)
    int PyUnicode_4BYTE_KIND

#: ``WS_CHARS`` (the characters ``block_text``'s regex collapses) as a test on a code point.
cdef bint _WS_LATIN1[256]
cdef Py_UCS4 _WS_WIDE[8]
cdef int _N_WS_WIDE = 0
for _i in range(256):
    _WS_LATIN1[_i] = False
for _ch in WS_CHARS:
    if ord(_ch) < 256:
        _WS_LATIN1[ord(_ch)] = True
    else:
        assert _N_WS_WIDE < 8
        _WS_WIDE[_N_WS_WIDE] = ord(_ch)
        _N_WS_WIDE += 1


cdef inline bint _is_ws(Py_UCS4 c) noexcept:
    cdef int k
    if c < 256:
        return _WS_LATIN1[c]
    for k in range(_N_WS_WIDE):
        if c == _WS_WIDE[k]:
            return True
    return False


cdef str _collapse_unicode(str raw):
    """``_WS.sub(" ", raw).strip()`` (``block_text`` for non-ASCII text) in one pass over the code points."""
    cdef Py_ssize_t n = PyUnicode_GET_LENGTH(raw), i, j = 0
    cdef int kind = PyUnicode_KIND(raw)
    cdef void* data = PyUnicode_DATA(raw)
    cdef Py_UCS4 c
    cdef bint run = False
    cdef Py_UCS4* buf = <Py_UCS4*>malloc((n + 1) * sizeof(Py_UCS4))
    if buf is NULL:
        raise MemoryError()
    try:
        for i in range(n):
            c = PyUnicode_READ(kind, data, i)
            if _is_ws(c):
                if not run:
                    buf[j] = 32
                    j += 1
                    run = True
            else:
                buf[j] = c
                j += 1
                run = False
        return PyUnicode_FromKindAndData(PyUnicode_4BYTE_KIND, buf, j).strip()
    finally:
        free(buf)


cdef inline bint _ascii_space(unsigned char c) noexcept:
    """``str.split``'s whitespace among ASCII characters."""
    return c == 32 or 9 <= c <= 13 or 28 <= c <= 31


cdef str _collapse_ascii(str raw):
    """``" ".join(raw.split())`` for ASCII text (``block_text``), without a string per word."""
    cdef Py_ssize_t n = PyUnicode_GET_LENGTH(raw), i, j = 0
    cdef const unsigned char* src = PyUnicode_1BYTE_DATA(raw)
    cdef unsigned char c
    cdef bint gap = False
    cdef char* buf = <char*>malloc(n + 1)
    if buf is NULL:
        raise MemoryError()
    try:
        for i in range(n):
            c = src[i]
            if _ascii_space(c):
                gap = j > 0
            else:
                if gap:
                    buf[j] = 32
                    j += 1
                    gap = False
                buf[j] = c
                j += 1
        return PyUnicode_DecodeASCII(buf, j, NULL)
    finally:
        free(buf)


cdef inline str _utf8(const char* s):
    return PyUnicode_DecodeUTF8(s, strlen(s), NULL)


cdef inline bint _is_text(xmlNode* n) noexcept:
    return n.type == tree.XML_TEXT_NODE or n.type == tree.XML_CDATA_SECTION_NODE


cdef str _tag(xmlNode* n):
    """``el.tag``: the name, with ``{namespace}`` in front when the element has one."""
    name = _utf8(<const char*>n.name)
    if n.ns is not NULL and n.ns.href is not NULL:
        return "{" + _utf8(<const char*>n.ns.href) + "}" + name
    return name


cdef bint _plain_value(xmlAttr* a) noexcept:
    """Whether the attribute's value is only text nodes (always so from the HTML parser)."""
    cdef xmlNode* c = a.children
    while c is not NULL:
        if not _is_text(c):
            return False
        c = c.next
    return True


cdef str _value(xmlAttr* a):
    cdef xmlNode* c = a.children
    if c is NULL:
        return ""
    if c.next is NULL:
        return _utf8(<const char*>c.content) if c.content is not NULL else ""
    pieces = []
    while c is not NULL:
        if c.content is not NULL:
            pieces.append(_utf8(<const char*>c.content))
        c = c.next
    return "".join(pieces)


cdef class _Siblings:
    """How many block elements share a parent block, tag and class (``sibling_count`` of the Python walk):
    frames hold it, so the finishing pass reads counts without dict look-ups."""
    cdef Py_ssize_t n


cdef class _Frame:
    """An open block element (the twin of ``segment_html._Frame``, with C fields)."""
    cdef _TagInfo info
    cdef str ident, cls, label
    cdef unsigned long long bits
    cdef long long ctx
    cdef Py_ssize_t lists, serial, depth
    cdef size_t node
    cdef _Siblings siblings
    cdef tuple context

    cdef str get_label(self):
        if self.label is None:
            self.label = frame_label(self.info.name, self.ident, self.cls)
        return self.label


cdef _Frame _frame(_TagInfo tag, unsigned long long bits, long long ctx, Py_ssize_t lists, Py_ssize_t serial,
                   _Siblings siblings, size_t node, Py_ssize_t depth, str ident, str cls):
    cdef _Frame f = _Frame.__new__(_Frame)
    f.info = tag
    f.bits = bits
    f.ctx = ctx
    f.lists = lists
    f.serial = serial
    f.siblings = siblings
    f.node = node
    f.depth = depth
    f.ident = ident
    f.cls = cls
    return f


cdef class _Walk:
    cdef cetree._Document doc
    cdef list segments, repeat_counters, block_stack, parts
    cdef dict sibling_count, ends, names
    cdef Py_ssize_t link_chars, links, images, pre, link_depth, depth, serial

    def __cinit__(self, cetree._Element body):
        self.doc = body._doc
        self.segments = []
        self.repeat_counters = []  # per segment: the sibling counters of its block and nearest ancestors
        self.sibling_count = {}
        self.ends = {}
        self.names = {}
        self.block_stack = [_frame(_tag_info("body"), 0, 0, 0, 0, _Siblings.__new__(_Siblings),
                                   <size_t>body._c_node, 0, body.get("id"), body.get("class"))]
        self.parts = []
        self.link_chars = self.links = self.images = self.pre = 0
        self.link_depth = self.depth = self.serial = 0

    cdef tuple context(self):
        """What a segment of the open block inherits from the blocks around it (``_block_context``)."""
        cdef list stack = self.block_stack
        cdef Py_ssize_t top = len(stack) - 1
        cdef Py_ssize_t i, k, gi
        cdef _Frame block = <_Frame>stack[top]
        cdef _Frame f
        cdef unsigned long long any_bits = 0, fresh
        cdef Py_ssize_t dist[64]
        for gi in range(_N_GROUPS):
            dist[gi] = -1
        for i in range(top, -1, -1):  # nearest first: a group's distance is that of its nearest match
            f = <_Frame>stack[i]
            fresh = f.bits & ~any_bits
            if fresh:
                any_bits |= f.bits
                for gi in range(_N_GROUPS):
                    if fresh >> gi & 1:
                        dist[gi] = top - i
        # ``block_kind``, from its results for the tag: only a list item's level depends on the block itself
        kind, level = block.info.quoted_kind if block.ctx & _QUOTE_BIT else block.info.kind
        if kind == "list item":
            level = block.lists
        anc = tuple([(<_Frame>stack[top - 1 - k]).serial if top - 1 - k >= 0 else 0
                     for k in range(_ANCESTOR_LEVELS)])
        path = ">".join([(<_Frame>stack[i]).get_label() for i in range(max(top - 3, 0), top + 1)])
        counters = tuple([(<_Frame>stack[top - k]).siblings for k in range(min(_REPEAT_LEVELS, top + 1))])
        return (kind, level, path, tuple([dist[gi] for gi in range(_N_GROUPS)]), any_bits, anc, counters)

    cdef int flush(self) except -1:
        cdef _Frame block
        cdef Py_ssize_t n_chars
        raw = "".join(self.parts)
        if self.pre:
            text = block_text(raw, self.pre)
        else:
            text = _collapse_ascii(raw) if raw.isascii() else _collapse_unicode(raw)
        self.parts = []
        if text:
            block = <_Frame>self.block_stack[-1]
            if block.context is None:  # once per block, however many segments it yields
                block.context = self.context()
            kind, level, path, dist, any_bits, anc, counters = block.context
            self.repeat_counters.append(counters)
            n_chars = len(text)
            self.segments.append(HtmlSegment(
                text, kind, level, block.info.name, path, min(self.link_chars, n_chars), self.links, block.ctx, dist,
                any_bits, block.bits, block.depth, anc, (), block.serial, self.serial, 0, self.images,
            ))
        self.link_chars = self.links = self.images = self.pre = 0
        return 0

    cdef object proxy(self, xmlNode* n):
        return cetree.elementFactory(self.doc, n)

    cdef _TagInfo tag(self, xmlNode* n):
        """``el.tag`` and its role; names without a namespace are looked up once per walk (libxml2 shares
        their strings within a document)."""
        cdef size_t key
        if n.ns is not NULL:
            return _tag_info(_tag(n))
        key = <size_t>n.name
        info = self.names.get(key)
        if info is None:
            info = self.names[key] = _tag_info(_utf8(<const char*>n.name))
        return <_TagInfo>info

    cdef bint has_block_descendant(self, xmlNode* top):
        """``next(el.iterdescendants(*BLOCK_TAGS), None) is not None`` without building lxml's tag matcher."""
        cdef xmlNode* cur = top.children
        while cur is not NULL and cur is not top:
            if cur.type == tree.XML_ELEMENT_NODE:
                if cur.ns is NULL and self.tag(cur).flags & T_BLOCK:
                    return True
                if cur.children is not NULL:
                    cur = cur.children
                    continue
            while cur is not top and cur.next is NULL:
                cur = cur.parent
            if cur is top:
                break
            cur = cur.next
        return False

    cdef bint start(self, xmlNode* n) except -1:
        """An element's start event; False when its subtree is skipped."""
        cdef xmlAttr* a = n.properties
        cdef int slot
        cdef _Frame parent
        cdef _TagInfo info = self.tag(n)
        cdef int flags = info.flags
        cdef str tag = info.name
        self.depth += 1
        self.serial += 1
        cls = style = hidden = aria = ident = role = itemprop = itemtype = None
        if a is not NULL:
            values = [None] * N_ATTRS  # the first value of each attribute in _ATTRS, as ``el.get`` gives it
            while a is not NULL:
                if a.ns is NULL:
                    slot = _attr_slot(<const char*>a.name)
                    if slot >= 0 and values[slot] is None:
                        # a value with entity nodes (never from the HTML parser): let lxml join it
                        values[slot] = _value(a) if _plain_value(a) else self.proxy(n).get(_ATTRS[slot])
                a = a.next
            cls, style, hidden, aria, ident, role, itemprop, itemtype = values
            if ((cls and _maybe_hidden_class(cls) and hidden_class(cls))
                    or (style and hidden_style(style)) or hidden is not None or aria == "true"):
                return False
        if ((flags & T_CONTROL and not self.has_block_descendant(n))
                or (flags & T_NOSCRIPT
                    and len(_text_content(self.proxy(n)).split()) < _NOSCRIPT_MIN_WORDS)):
            return False
        if flags & T_BLOCK:
            parent = <_Frame>self.block_stack[-1]
            if flags & T_CELL and parent.info.flags & T_TR:
                if self.parts:
                    self.parts.append(" | ")
            else:
                words = [v for v in (cls, ident, role, itemprop, itemtype) if v]
                bits = class_bits(" ".join(words)) if words else 0
                key = (parent.serial, tag, cls or "")
                siblings = self.sibling_count.get(key)
                if siblings is None:
                    siblings = self.sibling_count[key] = _Siblings.__new__(_Siblings)
                (<_Siblings>siblings).n += 1
                if self.parts:
                    self.flush()
                self.block_stack.append(_frame(info, bits, parent.ctx | info.ctx_bit,
                                               parent.lists + (flags & T_LIST != 0), self.serial, siblings,
                                               <size_t>n, self.depth, ident, cls))
                if flags & T_PRE:
                    self.pre += 1
                elif flags & T_HR and self.parts:
                    self.flush()
        elif flags & T_BR:
            if _last_is_break(self.parts):
                self.flush()
            else:
                self.parts.append("\n")
        elif flags & T_A:
            self.link_depth += 1
            self.links += 1
        elif flags & T_IMG:
            self.images += 1
        return True

    cdef int end(self, xmlNode* n) except -1:
        """An element's end event (its tail is the text run that follows)."""
        cdef _Frame frame = <_Frame>self.block_stack[-1]
        self.depth -= 1
        if frame.node == <size_t>n:
            if self.parts:
                self.flush()
            self.block_stack.pop()
            self.ends[frame.serial] = self.serial
        elif self.link_depth and n.ns is NULL and strcmp(<const char*>n.name, "a") == 0:
            self.link_depth -= 1
        return 0

    cdef xmlNode* text_run(self, xmlNode* n) except NULL:
        """Append the run of text nodes starting at ``n`` (an element's ``.text`` or ``.tail``); its last node."""
        cdef xmlNode* last = n
        if n.next is NULL or not _is_text(n.next):
            text = _utf8(<const char*>n.content) if n.content is not NULL else ""
        else:
            pieces = []
            while last is not NULL and _is_text(last):
                if last.content is not NULL:
                    pieces.append(_utf8(<const char*>last.content))
                n = last
                last = last.next
            last = n
            text = "".join(pieces)
        if text and (self.parts or not text.isspace()):
            self.parts.append(text)
            if self.link_depth:
                self.link_chars += len(text.strip())
        return last

    cdef int run(self, xmlNode* root) except -1:
        cdef xmlNode* cur = root
        cdef bint descend = self.start(root)
        while True:
            if descend and cur.children is not NULL:
                cur = cur.children
            else:
                if cur.type == tree.XML_ELEMENT_NODE:
                    self.end(cur)
                while cur is not root and cur.next is NULL:
                    cur = cur.parent
                    self.end(cur)
                if cur is root:
                    break
                cur = cur.next
            if _is_text(cur):
                cur = self.text_run(cur)
                descend = False
            elif cur.type == tree.XML_ELEMENT_NODE:
                descend = self.start(cur)
            else:  # comments, processing instructions, entity references: only their tails count
                descend = False
        if root.next is not NULL and _is_text(root.next):
            self.text_run(root.next)
        if self.parts:
            self.flush()
        return 0

    cdef int finish(self) except -1:
        """Sibling repetition and the ancestors' last serials, known only after the walk (``_finish``)."""
        cdef Py_ssize_t i, m, last = self.serial + 1
        cdef dict ends = self.ends
        cdef _Siblings siblings
        ends[0] = last
        for i in range(len(self.segments)):
            seg = self.segments[i]
            m = 0
            for siblings in <tuple>self.repeat_counters[i]:  # counts are final now
                if siblings.n > m:
                    m = siblings.n
            seg.repeat = m
            seg.ancestor_ends = tuple([ends.get(a, last) for a in <tuple>seg.ancestors])
        return 0


def segments(cetree._Element body):
    """``segment_html.segments_python(body)``, compiled."""
    w = _Walk(body)
    w.run(body._c_node)
    w.finish()
    return w.segments
