"""Page-type hints: what a page says about its own type reaches the HTML features."""

from __future__ import annotations

import pytest

from declutter import features_html
from declutter.hints import NO_HINTS, page_hints
from declutter.parse import clean_tree, parse_html
from declutter.segment_html import segment_html


def _hints(markup: str):
    return page_hints(parse_html(markup))


def test_recall_json_ld_types_name_the_page_type() -> None:
    page = """<html><head>
    <script type="application/ld+json">{"@context": "https://schema.org", "@graph": [
      {"@type": "WebSite", "name": "Shop"}, {"@type": ["Product", "Thing"], "name": "Kettle"}]}</script>
    </head><body><p>Kettle</p></body></html>"""
    assert _hints(page).stated == frozenset({"product"})


def test_recall_og_type_and_microdata_name_the_page_type() -> None:
    og = '<html><head><meta property="og:type" content="article"></head><body><p>x</p></body></html>'
    assert _hints(og).stated == frozenset({"article"})
    micro = '<html><body><div itemscope itemtype="https://schema.org/QAPage"><p>q</p></div></body></html>'
    assert _hints(micro).stated == frozenset({"forum"})


def test_recall_cms_body_classes_name_the_page_type() -> None:
    page = '<html><body class="archive category category-news"><p>x</p></body></html>'
    assert "listing" in _hints(page).body
    page = '<html><body class="product-template-default single-product woocommerce"><p>x</p></body></html>'
    assert "product" in _hints(page).body


@pytest.mark.parametrize("page", [
    "<html><body><p>no metadata</p></body></html>",
    '<html><head><script type="application/ld+json">{not json "@type": </script></head><body></body></html>',
    '<html><head><script type="application/ld+json">{"@type": "WebSite"}</script></head></html>',
])
def test_robustness_missing_or_broken_metadata_gives_no_hints(page: str) -> None:
    assert _hints(page) == NO_HINTS


def test_hints_reach_the_feature_matrix() -> None:
    page = ('<html><head><meta property="og:type" content="product"></head>'
            '<body class="single-product"><h1>Kettle</h1><p>Boils water fast.</p></body></html>')
    root = parse_html(page)
    hints = page_hints(root)
    X = features_html.html_features(segment_html(clean_tree(root)), "Kettle", hints)
    col = {n: i for i, n in enumerate(features_html.FEATURES)}
    assert (X[:, col["page_stated_product"]] == 1).all()
    assert (X[:, col["page_body_product"]] == 1).all()
    assert (X[:, col["page_stated_article"]] == 0).all()
