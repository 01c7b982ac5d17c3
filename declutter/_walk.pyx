# cython: language_level=3
"""The segmenter's walk over lxml's C nodes (compiled; see ``segment_html.segment_html``).

It does what ``segment_html.walk_python`` does with ``etree.iterwalk``, step for step, but reads the libxml2
nodes under an lxml element directly (lxml's public C API), so no Python object is made per element or per
attribute. Text nodes are read in runs, as lxml's ``.text`` and ``.tail`` join them. The rare steps that look
into a subtree (``<button>``, ``<noscript>``) take the element's Python proxy and run the Python code.
Everything per block (text, context, the segment itself) is the Python module's own helpers.
"""

from cpython.unicode cimport PyUnicode_DecodeUTF8
from libc.string cimport strcmp, strlen
from lxml.includes cimport etreepublic as cetree
from lxml.includes cimport tree
from lxml.includes.tree cimport xmlAttr, xmlNode

from declutter import xpaths
from declutter.parse import HIDDEN_CLASS_HINTS, hidden_class, hidden_style
from declutter.segment_html import (
    _LIST_TAGS,
    CONTEXT_BIT,
    _Frame,
    _last_is_break,
    _text_content,
    block_text,
    class_bits,
    emit,
    frame_label,
)

cetree.import_lxml__etree()

cdef object _BLOCK_TAGS = xpaths.BLOCK_TAGS
cdef object _CELL_TAGS = xpaths.TABLE_CELL_TAGS
cdef object _CONTROL_TAGS = xpaths.CONTROL_TAGS
cdef object _CTX_BIT = CONTEXT_BIT
cdef int _NOSCRIPT_MIN_WORDS = xpaths.NOSCRIPT_MIN_WORDS
cdef tuple _HIDDEN_HINTS = HIDDEN_CLASS_HINTS
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


cdef inline bint _maybe_hidden_class(str cls):
    """A cheap necessary condition for ``hidden_class`` (spares the Python call on most elements)."""
    for hint in _HIDDEN_HINTS:
        if hint in cls:
            return True
    return False


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


cdef class _Walk:
    cdef cetree._Document doc
    cdef list segments, keys, block_stack, nodes, marked, parts
    cdef dict sibling_count, ends
    cdef Py_ssize_t link_chars, links, images, pre, link_depth, depth, serial

    def __cinit__(self, cetree._Element body):
        self.doc = body._doc
        self.segments = []
        self.keys = []
        self.sibling_count = {}
        self.ends = {}
        self.block_stack = [_Frame("body", 0, 0, 0, True, 0, (0, "", ""), body, 0)]
        self.nodes = [<size_t>body._c_node]  # the C node of each frame of block_stack
        self.marked = []
        self.parts = []
        self.link_chars = self.links = self.images = self.pre = 0
        self.link_depth = self.depth = self.serial = 0

    cdef int flush(self) except -1:
        text = block_text("".join(self.parts), self.pre)
        self.parts = []
        if text:
            emit(self.segments, self.keys, self.block_stack, self.marked, text, self.link_chars, self.links,
                 self.images, self.serial)
        self.link_chars = self.links = self.images = self.pre = 0
        return 0

    cdef object proxy(self, xmlNode* n):
        return cetree.elementFactory(self.doc, n)

    cdef bint start(self, xmlNode* n) except -1:
        """An element's start event; False when its subtree is skipped."""
        cdef xmlAttr* a = n.properties
        cdef int slot
        tag = _tag(n)
        self.depth += 1
        self.serial += 1
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
                or (style and hidden_style(style)) or hidden is not None or aria == "true"
                or (tag in _CONTROL_TAGS and next(self.proxy(n).iterdescendants(*_BLOCK_TAGS), None) is None)
                or (tag == "noscript"
                    and len(_text_content(self.proxy(n)).split()) < _NOSCRIPT_MIN_WORDS)):
            return False
        if tag in _BLOCK_TAGS:
            parent = self.block_stack[-1]
            if tag in _CELL_TAGS and parent.tag == "tr":
                if self.parts:
                    self.parts.append(" | ")
            else:
                words = [v for v in (cls, ident, role, itemprop, itemtype) if v]
                bits = class_bits(" ".join(words)) if words else 0
                key = (parent.serial, tag, cls or "")
                self.sibling_count[key] = self.sibling_count.get(key, 0) + 1
                if self.parts:
                    self.flush()
                if bits:
                    self.marked.append((len(self.block_stack), bits))
                frame = _Frame(tag, bits, parent.ctx | _CTX_BIT.get(tag, 0), parent.lists + (tag in _LIST_TAGS),
                               True, self.serial, key, None, self.depth)
                frame._label = frame_label(tag, ident, cls)
                self.block_stack.append(frame)
                self.nodes.append(<size_t>n)
                if tag == "pre":
                    self.pre += 1
                elif tag == "hr" and self.parts:
                    self.flush()
        elif tag == "br":
            if _last_is_break(self.parts):
                self.flush()
            else:
                self.parts.append("\n")
        elif tag == "a":
            self.link_depth += 1
            self.links += 1
        elif tag == "img":
            self.images += 1
        return True

    cdef int end(self, xmlNode* n) except -1:
        """An element's end event (its tail is the text run that follows)."""
        self.depth -= 1
        if self.nodes[-1] == <size_t>n:
            if self.parts:
                self.flush()
            frame = self.block_stack.pop()
            self.nodes.pop()
            self.ends[frame.serial] = self.serial
            if self.marked and self.marked[-1][0] == len(self.block_stack):
                self.marked.pop()
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


def walk(cetree._Element body):
    """``segment_html.walk_python(body)``, compiled."""
    w = _Walk(body)
    w.run(body._c_node)
    return w.segments, w.keys, w.sibling_count, w.ends, w.serial + 1
