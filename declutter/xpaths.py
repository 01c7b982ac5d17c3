"""Every tag set, selector and class/id vocabulary the HTML path uses, in one place."""

from __future__ import annotations

#: Elements removed with their content before segmentation (their tail text is kept).
DROP_TAGS: tuple[str, ...] = (
    "script", "style", "template", "svg", "math", "canvas", "iframe", "object", "embed",
    "audio", "video", "map", "head", "select", "option", "textarea", "input", "datalist",
    "link", "meta", "base", "picture", "source", "track", "dialog",
)

#: Interface controls: their text is skipped unless they wrap block elements (broken markup can leave a
#: whole page inside an unclosed ``<button>``).
CONTROL_TAGS: frozenset[str] = frozenset({"button"})

#: ``<noscript>`` holds tracking pixels and "enable JavaScript" notes, but some sites (forum engines) put the
#: whole crawler-readable page there: it is read only when it has at least this many words.
NOSCRIPT_MIN_WORDS: int = 30

#: Nodes a browser does not show, tested on each element's attributes while segmenting (one pass, no XPath):
#: a ``hidden`` attribute, ``aria-hidden="true"``, an inline style with one of ``HIDDEN_STYLES`` (lower-cased,
#: spaces removed), or one of ``HIDDEN_CLASSES`` as a class word. A utility class ``hidden`` next to a
#: responsive ``md:block`` is shown on desktops, so it does not count.
HIDDEN_STYLES: tuple[str, ...] = ("display:none", "visibility:hidden")
HIDDEN_CLASSES: frozenset[str] = frozenset({"hidden", "sr-only", "visually-hidden", "screen-reader-text"})
#: Class-string parts that make a ``hidden`` utility class responsive (shown at some width).
RESPONSIVE_SHOW: tuple[str, ...] = (":block", ":flex", ":grid", ":inline", ":table", ":contents")

#: Where the page states its own title, best first.
TITLE_SOURCES: tuple[str, ...] = (
    "//head/meta[@property='og:title']/@content",
    "//head/title/text()",
    "//title/text()",
)

#: Elements that start a new text block.
BLOCK_TAGS: frozenset[str] = frozenset(
    {
        "address", "article", "aside", "blockquote", "body", "center", "dd", "details", "div", "dl", "dt",
        "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header",
        "hgroup", "hr", "html", "legend", "li", "main", "menu", "nav", "ol", "p", "pre", "section",
        "summary", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul", "caption", "label",
    }
)

HEADING_TAGS: frozenset[str] = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
LIST_ITEM_TAGS: frozenset[str] = frozenset({"li", "dt", "dd"})
TABLE_CELL_TAGS: frozenset[str] = frozenset({"td", "th"})
CODE_TAGS: frozenset[str] = frozenset({"pre"})
QUOTE_TAGS: frozenset[str] = frozenset({"blockquote"})
PARAGRAPH_TAGS: frozenset[str] = frozenset({"p", "address", "figcaption", "caption", "summary"})

#: Ancestors whose presence is a feature of a block (a flag each, in this order).
CONTEXT_TAGS: tuple[str, ...] = (
    "article", "main", "nav", "aside", "footer", "header", "form", "li", "table", "blockquote",
    "figure", "section", "dl", "menu", "label", "fieldset", "details", "pre",
)

#: Attributes whose words are matched against ``CLASS_VOCAB`` (microdata and ARIA roles name regions too).
CLASS_ATTRS: tuple[str, ...] = ("class", "id", "role", "itemprop", "itemtype")

#: Class/id vocabularies: a token matches when it contains one of these words.
#: Each group becomes one feature (nearest ancestor distance and count).
CLASS_VOCAB: dict[str, tuple[str, ...]] = {
    "content": ("content", "article", "post", "entry", "story", "body", "text", "main", "prose", "blog",
                "markdown", "rich", "detail", "descr", "answer", "question", "message", "review"),
    "nav": ("nav", "navigation", "navbar", "menu", "breadcrumb", "crumb", "pagination", "pager", "toc",
            "skip", "tab", "drawer", "mega", "topbar", "toolbar", "dropdown"),
    "aside": ("sidebar", "aside", "widget", "related", "recommend", "popular", "trending", "more", "latest",
              "recent", "also", "teaser", "promo", "sponsor", "newsletter", "subscribe", "signup", "cta"),
    "footer": ("footer", "foot", "copyright", "legal", "bottom", "colophon", "disclaimer", "contentinfo"),
    "header": ("header", "masthead", "banner", "brand", "logo", "top", "hero"),
    "social": ("share", "social", "facebook", "twitter", "linkedin", "pinterest", "whatsapp", "follow",
               "like", "tweet", "email"),
    "meta": ("meta", "byline", "author", "date", "time", "tag", "categor", "label", "info", "publish",
             "posted", "avatar", "bio", "profile"),
    "comment": ("comment", "reply", "respond", "discussion", "disqus", "thread", "forum", "reaction"),
    "ad": ("ad", "ads", "advert", "banner", "dfp", "gpt", "outbrain", "taboola", "affiliate", "commercial"),
    "cookie": ("cookie", "consent", "gdpr", "privacy", "notice", "alert", "modal", "popup", "overlay"),
    "card": ("card", "tile", "item", "thumb", "grid", "list", "feed", "excerpt", "summary", "snippet"),
    "product": ("product", "price", "cart", "buy", "sku", "spec", "feature", "variant", "stock", "rating"),
    "hidden": ("hidden", "hide", "collapse", "offscreen", "invisible"),
}

#: JSON-LD ``@type`` / og:type / microdata ``itemtype`` words that say what kind of page this is (whole
#: lower-cased type names).
PAGE_TYPE_HINTS: dict[str, tuple[str, ...]] = {
    "article": ("article", "newsarticle", "blogposting", "report", "techarticle", "scholarlyarticle",
                "analysisnewsarticle", "reportagenewsarticle", "opinionnewsarticle", "posting", "howto",
                "recipe"),
    "product": ("product", "offer", "aggregateoffer", "productgroup", "individualproduct", "vehicle", "car",
                "book", "softwareapplication", "product.item"),
    "forum": ("discussionforumposting", "qapage", "question", "answer", "comment", "socialmediaposting"),
    "listing": ("itemlist", "collectionpage", "searchresultspage", "offercatalog", "blog", "profilepage"),
    "service": ("localbusiness", "organization", "service", "professionalservice", "contactpage",
                "aboutpage", "faqpage", "event", "medicalclinic", "store", "restaurant"),
}

#: Where a page states its type: JSON-LD blocks, og:type, microdata item types.
JSON_LD: str = "//script[@type='application/ld+json']/text()"
OG_TYPE: str = "//meta[@property='og:type']/@content"
ITEMTYPE: str = "//*[@itemtype]/@itemtype"

#: ``<body>`` class/id words of CMS templates ("single-post", "archive", "woocommerce") per page type; a
#: word matches inside a token, as in ``CLASS_VOCAB``.
BODY_CLASS_HINTS: dict[str, tuple[str, ...]] = {
    "article": ("single", "post-template", "article", "story", "news"),
    "product": ("product", "woocommerce", "shop", "catalog", "cart"),
    "forum": ("forum", "topic", "thread", "bbpress", "discussion", "question", "community"),
    "listing": ("archive", "category", "search", "collection", "listing", "tag-", "blog", "home", "index"),
    "service": ("page-template", "page-id", "landing", "service", "contact", "about"),
}
