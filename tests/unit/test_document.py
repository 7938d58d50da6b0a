"""Feed HTML to plain-text blocks and readable text: structure kept, hostile content dropped."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reader.core.text.blocks import Block, Link, html_to_blocks, text_to_blocks
from reader.core.text.cells import cell_len
from reader.core.text.plain import blocks_to_text
from reader.core.text.urls import resolve_url

BASE = "https://news.example.cn/henan/2023/0317/index.html"


def kinds(blocks: list[Block]) -> list[str]:
    return [block.kind for block in blocks]


def test_article_structure_becomes_blocks_in_order() -> None:
    html = """
      <h1>鄭州地鐵<b>十二號線</b>今日開通</h1>
      <p>河南日報訊　記者從鄭州地鐵集團獲悉，
         十二號線今日正式開通運營。</p>
      <h3>沿線站點</h3>
      <ul><li>鄭東新區站<li>金融島站
        <ol start="3"><li>龍子湖站</li><li>博學路站</li></ol></li></ul>
      <blockquote><p>市民表示出行更方便了。</p><blockquote>內層引用</blockquote></blockquote>
      <hr>
      <pre>  票價  2元
  時長  35分</pre>
    """
    blocks = html_to_blocks(html, BASE)
    assert kinds(blocks) == [
        "heading", "paragraph", "heading", "list_item", "list_item",
        "list_item", "list_item", "quote", "quote", "rule", "preformatted",
    ]  # fmt: skip
    assert blocks[0] == Block("heading", "鄭州地鐵十二號線今日開通", level=1)
    # A newline between two Han characters in the source joins them without a space.
    assert blocks[1].text == "河南日報訊　記者從鄭州地鐵集團獲悉，十二號線今日正式開通運營。"
    assert blocks[2].level == 3
    assert [(b.text, b.level, b.ordinal) for b in blocks[3:7]] == [
        ("鄭東新區站", 1, None),
        ("金融島站", 1, None),
        ("龍子湖站", 2, 3),
        ("博學路站", 2, 4),
    ]
    assert [(b.text, b.level) for b in blocks[7:9]] == [
        ("市民表示出行更方便了。", 1),
        ("內層引用", 2),
    ]
    assert blocks[9] == Block("rule", "")
    assert blocks[10].text == "  票價  2元\n  時長  35分"


def test_line_breaks_and_entities() -> None:
    (block,) = html_to_blocks(
        "<p>來源：河南日報 <br/> 編輯：鄧高靖&nbsp;&amp;&nbsp;石麗敏&#x3002;</p>"
    )
    assert block.text == "來源：河南日報\n編輯：鄧高靖\xa0&\xa0石麗敏。"


def test_markup_looking_text_stays_literal() -> None:
    html = (
        "<p>[bold red]緊急[/bold red] [@click=app.quit]點我[/] [link=https://x.test]連結[/link]</p>"
    )
    (block,) = html_to_blocks(html)
    assert (
        block.text
        == "[bold red]緊急[/bold red] [@click=app.quit]點我[/] [link=https://x.test]連結[/link]"
    )
    assert block.links == ()


def test_escapes_in_text_and_entities_are_removed() -> None:
    html = (
        "<p>標題\x1b[31m紅\x1b]52;c;ZXZpbA==\x07字&#27;[2J&#x1b;]0;t&#7;"
        "\u202e反轉\u200b&#x200e;</p>"
    )
    (block,) = html_to_blocks(html)
    assert block.text == "標題紅字反轉"
    # HTML maps references to C1 codes onto Windows-1252 printable characters: harmless.
    (block,) = html_to_blocks("<p>甲&#x9b;1m乙</p>")
    assert block.text == "甲›1m乙"


@pytest.mark.parametrize(
    "dropped",
    [
        "<script>document.title='x'</script>",
        "<script type='module'>import x from 'y'</script>",
        "<style>body{display:none}</style>",
        "<iframe src='https://ads.example/'>廣告框</iframe>",
        "<object data='x.swf'><param name=a value=b>插件</object>",
        "<embed src='x.swf'>",
        "<form action='/login'><input name=pw><button>登入</button>"
        "<select><option>選項</select></form>",
        "<noscript>請開啟腳本</noscript>",
        "<svg><text>向量</text></svg>",
        "<template><p>模板</p></template>",
        "<video src='v.mp4'>不支援影片</video>",
    ],
)
def test_active_content_is_dropped(dropped: str) -> None:
    blocks = html_to_blocks(f"<p>前文</p>{dropped}<p>後文</p>", BASE)
    assert [b.text for b in blocks] == ["前文", "後文"]


def test_event_attributes_and_unsafe_links_are_not_offered() -> None:
    html = (
        '<p onclick="steal()"><a href="javascript:alert(1)">甲</a>'
        '<a href=" JaVa\tScRiPt:alert(2)">乙</a><a href="data:text/html,<b>x</b>">丙</a>'
        '<a href="file:///etc/passwd">丁</a><a href="vbscript:x">戊</a>'
        '<a href="/news/1.html">己</a><a href="mailto:editor@example.cn">庚</a></p>'
    )
    (block,) = html_to_blocks(html, BASE)
    assert block.text == "甲乙丙丁戊己庚"
    assert block.links == (
        Link("己", "https://news.example.cn/news/1.html"),
        Link("庚", "mailto:editor@example.cn"),
    )
    assert block.spans == (
        (5, 6, "https://news.example.cn/news/1.html"),
        (6, 7, "mailto:editor@example.cn"),
    )
    assert "steal" not in block.text


def test_relative_links_resolve_and_spans_point_at_link_text() -> None:
    html = (
        '<p>詳見<a href="../0316/a.html">昨日<b>報道</b></a>'
        '及<a href="//cdn.example.cn/x">附件</a>。</p>'
    )
    (block,) = html_to_blocks(html, BASE)
    assert block.links == (
        Link("昨日報道", "https://news.example.cn/henan/2023/0316/a.html"),
        Link("附件", "https://cdn.example.cn/x"),
    )
    for start, end, url in block.spans:
        assert any(link.text == block.text[start:end] and link.url == url for link in block.links)


def test_relative_links_without_base_are_dropped() -> None:
    (block,) = html_to_blocks(
        '<p><a href="/a.html">相對</a><a href="https://ok.example/">絕對</a></p>'
    )
    assert block.links == (Link("絕對", "https://ok.example/"),)


def test_figure_gives_one_image_block_with_its_caption() -> None:
    html = """<p>正文開始。</p>
      <figure><a href="/big.jpg"><img src="/img/small.jpg" alt="替代文字"></a>
        <figcaption>3月16日，遊客在洛陽<a href="/peony">王城公園</a>賞花。</figcaption></figure>
      <p>正文繼續。</p>"""
    blocks = html_to_blocks(html, BASE)
    assert kinds(blocks) == ["paragraph", "image", "paragraph"]
    image = blocks[1]
    assert image.text == "3月16日，遊客在洛陽王城公園賞花。"
    assert image.url == "https://news.example.cn/img/small.jpg"
    assert Link("王城公園", "https://news.example.cn/peony") in image.links
    assert Link("替代文字", "https://news.example.cn/big.jpg") in image.links


def test_images_outside_figures_use_alt_and_only_http_sources() -> None:
    html = (
        '<p>前<img src="data:image/png;base64,AAAA" alt="資料圖">後</p>'
        '<img data-src="/lazy.jpg" src="data:image/gif;base64,R0lG" alt="懶加載">'
        '<img src="javascript:alert(1)">'
        '<p>表情<img src="/smile.gif" alt="[微笑]" width="20" height="20">結束</p>'
    )
    blocks = html_to_blocks(html, BASE)
    assert [(b.kind, b.text, b.url) for b in blocks] == [
        ("paragraph", "前", None),
        ("image", "資料圖", None),
        ("paragraph", "後", None),
        ("image", "懶加載", "https://news.example.cn/lazy.jpg"),
        ("paragraph", "表情[微笑]結束", None),
    ]


def test_broken_html_is_read_with_implied_end_tags() -> None:
    html = (
        "<p>第一段<p>第二段<ul><li>甲<li>乙</ul>"
        "<table><tr><td>項目<td>金額<tr><td>門票<td>80元</table>"
    )
    blocks = html_to_blocks(html)
    assert [(b.kind, b.text) for b in blocks] == [
        ("paragraph", "第一段"),
        ("paragraph", "第二段"),
        ("list_item", "甲"),
        ("list_item", "乙"),
        ("paragraph", "項目  金額"),
        ("paragraph", "門票  80元"),
    ]


def test_ten_thousand_levels_of_nesting_keep_their_text() -> None:
    for tag in ("div", "blockquote", "b", "ul><li"):
        opening = "".join(f"<{tag}>" for _ in range(10_000))
        blocks = html_to_blocks(f"{opening}深層的文字<a href='https://x.example/'>連結</a>")
        assert "深層的文字連結" in "".join(b.text for b in blocks)


def test_depth_limit_is_respected_without_losing_text() -> None:
    html = "<blockquote>" * 50 + "引用" + "</blockquote>" * 50
    (block,) = html_to_blocks(html, max_depth=10)
    assert block.kind == "quote" and block.text == "引用" and block.level <= 10


def test_five_megabyte_body_is_read_whole() -> None:
    paragraph = (
        "<p>河南日報訊（記者 李明）今年以來，全省經濟運行穩中向好。<a href='/n.html'>詳情</a></p>\n"
    )
    count = 5_000_000 // len(paragraph.encode()) + 1
    blocks = html_to_blocks(paragraph * count, BASE, max_blocks=count + 1)
    assert len(blocks) == count
    assert blocks[-1].links == (Link("詳情", "https://news.example.cn/n.html"),)


def test_max_blocks_stops_early() -> None:
    blocks = html_to_blocks("<p>段落</p>" * 1000, max_blocks=10)
    assert len(blocks) == 10


def test_pathological_markup_does_not_crash() -> None:
    for html in (
        "<" * 100_000,
        "</" * 100_000,
        "<a " + "x='1' " * 50_000,
        "<!--" + "x" * 100_000,
        "\x00" * 1000,
        "",
    ):
        blocks = html_to_blocks(html)
        assert all("\x00" not in b.text and "\x1b" not in b.text for b in blocks)


def test_encoding_declarations_in_fragments_are_ignored() -> None:
    html = '<?xml version="1.0" encoding="gbk"?><meta charset="big5"><p>繁體與简体</p>'
    assert [b.text for b in html_to_blocks(html)] == ["繁體與简体"]


@pytest.mark.parametrize(
    ("href", "expected"),
    [
        ("https://a.example/x", "https://a.example/x"),
        ("/x y", "https://news.example.cn/x%20y"),
        ("  \x00https://a.example/\n ", "https://a.example/"),
        ("java\nscript:alert(1)", None),
        ("data:text/html,x", None),
        ("file:///etc/passwd", None),
        ("ftp://a.example/", None),
        ("http://", None),
        ("mailto:a@b.example", None),
        ("", None),
    ],
)
def test_resolve_url(href: str, expected: str | None) -> None:
    assert resolve_url(href, BASE) == expected


def test_blocks_to_text_renders_every_kind_and_lists_links() -> None:
    html = (
        "<h1>標題</h1><p>請看<a href='https://a.example/1'>這裡</a>和"
        "<a href='https://a.example/1'>那裡</a>，或<a href='https://b.example/'>別處</a>。</p>"
        "<ul><li>甲</li><li>乙</li></ul><ol><li>一</li></ol><blockquote>引言</blockquote>"
        "<figure><img src='https://img.example/p.jpg'><figcaption>圖片說明</figcaption></figure><hr>"
    )
    text = blocks_to_text(html_to_blocks(html))
    assert text == (
        "標題\n════\n\n"
        "請看這裡[1]和那裡[1]，或別處[2]。\n\n"
        "• 甲\n• 乙\n\n1. 一\n\n> 引言\n\n"
        "[圖] 圖片說明 <https://img.example/p.jpg>\n\n"
        + "─" * 20
        + "\n\n[1] https://a.example/1\n[2] https://b.example/"
    )


def test_blocks_to_text_image_label_can_follow_the_script() -> None:
    blocks = html_to_blocks("<img src='https://img.example/a.jpg' alt='资料图'>")
    assert blocks_to_text(blocks, image_label="[图]") == "[图] 资料图 <https://img.example/a.jpg>"


def test_text_to_blocks_makes_paragraphs_and_keeps_markup_literal() -> None:
    text = "第一段 <b>不是標籤</b> &amp;\n同段第二行\r\n\r\n  \n第二段[bold]\x1b[31m\n\n\n"
    assert text_to_blocks(text) == [
        Block("paragraph", "第一段 <b>不是標籤</b> &amp;\n同段第二行"),
        Block("paragraph", "第二段[bold]"),
    ]
    assert text_to_blocks("") == []


def test_blocks_to_text_wraps_cjk_by_cells() -> None:
    paragraph = "鄭州市文化廣電和旅遊局發布消息，今年一季度全市接待遊客人次同比增長百分之四十二。"
    blocks = html_to_blocks(
        f"<p>{paragraph}</p><ul><li>{paragraph}</li></ul><blockquote>{paragraph}</blockquote>"
    )
    lines = blocks_to_text(blocks, width=24).split("\n")
    assert all(cell_len(line) <= 24 for line in lines)
    assert "".join(line for line in lines[: lines.index("")]) == paragraph
    item_lines = [line for line in lines if line.startswith(("• ", "  "))]
    assert item_lines[0].startswith("• ") and all(line.startswith("  ") for line in item_lines[1:])
    quote_lines = lines[len(lines) - 4 :]
    assert all(line.startswith("> ") for line in quote_lines)
    assert "".join(line[2:] for line in quote_lines) == paragraph
    assert not any(line.lstrip("•> ").startswith(("，", "。")) for line in lines)


def test_blocks_to_text_keeps_latin_words_whole() -> None:
    blocks = html_to_blocks(
        "<p>新華社 Xinhua News Agency reported that Henan province opened a new line.</p>"
    )
    lines = blocks_to_text(blocks, width=20).split("\n")
    assert all(cell_len(line) <= 20 for line in lines)
    words = " ".join(lines).split()
    assert "Xinhua" in words and "Agency" in words and "province" in words


# ---------------------------------------------------------------------------
# Properties: any markup, well-formed or not, gives safe blocks
# ---------------------------------------------------------------------------

FORBIDDEN_IN_TEXT = (
    {chr(code) for code in range(0x20) if chr(code) not in "\n\t"}
    | {chr(code) for code in range(0x7F, 0xA0)}
    | set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200b\u200e\u200f\ufeff")
)

html_pieces = st.sampled_from(
    [
        "<p>", "</p>", "<div>", "</div>", "<br>", "<li>", "<ol>", "</ol>", "<ul>", "<h2>",
        "</h2>", "<blockquote>", "<pre>", "</pre>", "<figure>", "</figure>", "<figcaption>",
        "<img src='/i.jpg' alt='圖'>", "<a href='/x'>", "<a href='javascript:x()'>", "</a>",
        "<script>", "</script>", "<style>", "<iframe>", "</iframe>", "<table><tr><td>",
        "&amp;", "&#27;", "&#x202e;", "&nbsp;", "<!--", "-->", "<", ">", "&", "\x1b[31m",
        "\x1b]52;c;eA==\x07", "\u202e", "\x9b", "[bold]", "[@click=app.quit]", "新聞", "報道",
        " ", "\n", "Henan",
    ]
)  # fmt: skip
html_documents = st.lists(st.one_of(html_pieces, st.text(max_size=8)), max_size=60).map("".join)


@settings(max_examples=400, deadline=None)
@given(html_documents)
def test_any_markup_gives_safe_blocks_and_safe_links(html: str) -> None:
    blocks = html_to_blocks(html, BASE)
    for block in blocks:
        assert not FORBIDDEN_IN_TEXT & set(block.text)
        assert block.url is None or block.url.startswith(("http://", "https://"))
        for link in block.links:
            assert link.url.startswith(("http://", "https://", "mailto:"))
        for start, end, url in block.spans:
            assert 0 <= start < end <= len(block.text)
            assert any(link.url == url for link in block.links)
    rendered = blocks_to_text(blocks, width=30)
    assert not FORBIDDEN_IN_TEXT & set(rendered)
    if not any(block.kind == "preformatted" for block in blocks):  # kept unwrapped on purpose
        link_list = {f"[{number}] {url}" for number, url in enumerate(_urls(blocks), start=1)}
        assert all(cell_len(line) <= 30 for line in rendered.split("\n") if line not in link_list)


def _urls(blocks: list[Block]) -> list[str]:
    return list(dict.fromkeys(link.url for block in blocks for link in block.links))
