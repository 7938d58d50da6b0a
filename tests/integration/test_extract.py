"""Full-text extraction: the story kept, the portal's furniture gone, meta fields right."""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from reader.cli import extract as cli_extract
from reader.cli.parser import build_parser
from reader.core.backends.http import FetchSettings, HttpBackend
from reader.core.extract.blocks import (
    Block,
    choose_candidate,
    html_blocks,
    parse_page,
    prose_holder_blocks,
)
from reader.core.extract.boilerplate import is_boilerplate_line, is_section_end_line
from reader.core.extract.meta import (
    find_datetime,
    is_meta_line,
    parse_credit,
    parse_meta_line,
    parse_original_title,
)
from reader.core.extract.story import ExtractError, Story, extract_story, fetch_page

PAGES = Path(__file__).parents[1] / "pages"
SHANGHAI = ZoneInfo("Asia/Shanghai")
LAYOUTS = ("footer", "sibling", "inline")

EXPECTED = {
    "hant": {
        "title": "鄭州地鐵十號線今日開通 沿線居民出行更方便",
        "source": "河南日報",
        "editor": "鄧高靖",
        "chief_editor": "石麗敏",
        "original_title": "十號線一期正式載客運營",
        "author": "王明、李華",
        "story": [
            "本報訊 3月17日上午",
            "加密班次",
            "（記者 王明 通訊員 李華）",
        ],
        "caption": "3月17日，市民在新開通的十號線車廂內留影。記者 王明 攝",
        "gone": [
            "首頁",
            "要聞",
            "相關新聞",
            "鄭州公交新開三條夜班線",
            "分享到",
            "版權",
            "ICP",
            "未經授權",
            "來源",
            "原標題",
        ],
    },
    "hans": {
        "title": "郑州地铁十号线今日开通 沿线居民出行更方便",
        "source": "河南日报",
        "editor": "邓高靖",
        "chief_editor": "石丽敏",
        "original_title": "十号线一期正式载客运营",
        "author": "王明、李华",
        "story": [
            "本报讯 3月17日上午",
            "加密班次",
            "（记者 王明 通讯员 李华）",
        ],
        "caption": "3月17日，市民在新开通的十号线车厢内留影。记者 王明 摄",
        "gone": [
            "首页",
            "要闻",
            "相关新闻",
            "郑州公交新开三条夜班线",
            "分享到",
            "版权",
            "ICP",
            "未经授权",
            "来源",
            "原标题",
        ],
    },
}


@pytest.mark.parametrize("script", ["hant", "hans"])
@pytest.mark.parametrize("layout", LAYOUTS)
def test_story_kept_and_furniture_gone(layout: str, script: str) -> None:
    expected = EXPECTED[script]
    data = (PAGES / f"{layout}-{script}.html").read_bytes()
    story = extract_story(data, "https://news.example.cn/henan/2023/0317/10.html")
    assert story.title == expected["title"]
    for fragment in expected["story"]:
        assert fragment in story.body
    for fragment in expected["gone"]:
        assert fragment not in story.body, fragment
    assert story.title not in story.body
    assert story.published == datetime(2023, 3, 17, 8, 41, 51, tzinfo=SHANGHAI)
    assert story.source == expected["source"]
    assert story.editor == expected["editor"]
    assert story.chief_editor == expected["chief_editor"]
    assert story.original_title == expected["original_title"]
    assert story.author == expected["author"]
    assert [image.url for image in story.images] == ["https://news.example.cn/pics/line10.jpg"]
    assert story.images[0].caption == expected["caption"]
    paragraphs = story.body.split("\n\n")
    assert expected["caption"] in paragraphs  # the caption is its own paragraph
    # 原標題 went to the meta: the photo that followed it opens the story
    assert paragraphs[0] == expected["caption"]
    assert paragraphs[1].startswith(expected["story"][0])


def test_json_shape_and_offset() -> None:
    story = extract_story((PAGES / "inline-hant.html").read_bytes(), "https://a.example/x.html")
    encoded = story.to_json()
    assert set(encoded) == {
        "url",
        "title",
        "published",
        "source",
        "author",
        "editor",
        "chief_editor",
        "original_title",
        "body",
        "images",
    }
    assert encoded["published"] == "2023-03-17T08:41:51+08:00"
    assert (encoded["editor"], encoded["chief_editor"]) == ("鄧高靖", "石麗敏")
    assert encoded["images"] == [
        {"url": "https://a.example/pics/line10.jpg", "caption": EXPECTED["hant"]["caption"]}
    ]
    json.dumps(encoded, ensure_ascii=False)


def test_naive_times_use_the_given_zone() -> None:
    taipei = ZoneInfo("Asia/Taipei")
    story = extract_story((PAGES / "footer-hant.html").read_bytes(), default_tz=taipei)
    assert story.published is not None
    assert story.published.utcoffset() == timedelta(hours=8)
    assert story.published.tzinfo is taipei


def test_gbk_page_without_charset_declaration() -> None:
    paragraph = (
        "本报讯 昨日，省气象台发布寒潮预警，预计未来三天全省气温将下降八到十度，请注意保暖。"
    )
    html = (
        "<html><head><title>寒潮来袭 全省降温_新闻中心</title></head><body>"
        "<div id='nav'><a href='/'>首页</a> <a href='/n'>新闻</a></div>"
        "<div class='main'><h1>寒潮来袭 全省降温</h1>"
        "<p class='time'>2022年12月5日 09:30 来源：省气象台 作者：张伟</p>"
        f"<div class='text'><p>{paragraph}</p><p>{paragraph[4:]}</p>"
        "<p>气象专家提醒，老人和儿童尤其要注意保暖，出门要戴好帽子和手套，开车要注意路面结冰。</p></div></div>"
        "<div class='foot'>Copyright 2022 省新闻网 版权所有</div></body></html>"
    )
    story = extract_story(html.encode("gbk"))
    assert story.title == "寒潮来袭 全省降温"
    assert paragraph in story.body
    assert "版权所有" not in story.body
    assert story.published == datetime(2022, 12, 5, 9, 30, tzinfo=SHANGHAI)
    assert story.source == "省气象台"
    assert story.author == "张伟"


def test_page_without_story_raises() -> None:
    with pytest.raises(ExtractError, match="no story"):
        extract_story(b"<html><body><a href='/'>\xe9\xa6\x96\xe9\xa1\xb5</a></body></html>")


# A thread of an old bulletin board: the first post is loose text cut by <br> in a table cell,
# the replies are <p>s ending in a signature (tests/pages/forum-thread.html, written here).
POST_OPENING = "去年春天，住了三十多年的老街区开始改造"
POST_CLOSING = (
    "写这些不是为了抱怨，只是想把这一年的变化记下来。"
    "等到明年再看，也许又会有新的想法，到时候再来跟大家聊。"
)
REPLY_SIGNATURE = "[签名] 生活就是一碗热汤面"


def _blocks_of(markup: str) -> list[Block]:
    return html_blocks(parse_page(markup), None)


def _thread_page() -> str:
    return (PAGES / "forum-thread.html").read_text(encoding="utf-8")


def test_reply_with_signature_gives_way_to_the_thread_that_holds_it() -> None:
    page = parse_page(_thread_page())
    reply_cell = [cell for cell in page.iter("td") if REPLY_SIGNATURE in cell.text_content()][-1]
    reply = html_blocks(reply_cell, None)
    thread = html_blocks(page, None)
    assert sum(len(block.text or "") for block in reply) >= 200  # not short: no length fallback
    chosen = choose_candidate(reply, thread)
    assert chosen is thread
    assert any(POST_OPENING in (block.text or "") for block in chosen)


def test_short_story_kept_over_a_list_of_reply_titles() -> None:
    story = (
        "<div><p>导游的收入有一部分来自购物点的返点，这在行业里并不是秘密。旅行团进店以后，"
        "商店按人头和消费额付钱，所以行程里总会安排几个购物点，停留的时间也比景点还长。"
        "我的经验是出发前把合同看清楚，写明不进店或者进几家店，遇到强迫购物可以拒绝。</p>"
        "<p>还有一点，遇到所谓的抽奖和免费鉴定要格外小心，这些往往是购物的开场白。"
        "到了店里，导游和店员一唱一和，很多人就在这种气氛里买了根本用不上的东西。"
        "回家以后冷静下来再看，才发现价格比商场里贵了好几倍，想退也找不到人了。</p></div>"
    )
    titles = "".join(
        f"<li><a href=/t/{number}>第{number}个回复：我也遇到过这种事吗？</a>【网友{number}】"
        f"04-0{number % 9 + 1} 10:{number:02d} {number * 7}字</li>"
        for number in range(1, 40)
    )
    first = _blocks_of(story)
    second = _blocks_of(f"<div>{story}<ul>{titles}</ul></div>")
    assert sum(len(block.text or "") for block in first) >= 200  # not short: no length fallback
    assert choose_candidate(first, second) is first


def test_candidates_about_different_things_keep_the_first() -> None:
    first = _blocks_of(
        "<p>"
        + "市图书馆新馆今天开放，新馆有六层，藏书两百万册，设有少儿阅览区和自习室。" * 8
        + "</p>"
    )
    second = _blocks_of(
        "<p>"
        + "今年的龙舟赛在江边举行，二十支队伍参加，岸边挤满了看热闹的市民和游客。" * 20
        + "</p>"
    )
    assert choose_candidate(first, second) is first


def test_too_short_first_candidate_gives_way_to_a_longer_one() -> None:
    first = _blocks_of("<p>顶一下！</p>")
    second = _blocks_of("<p>" + "社区食堂开业一个月，每天中午有三百多位老人来吃饭。" * 10 + "</p>")
    assert choose_candidate(first, second) is second
    assert choose_candidate(second, first) is second


def test_prose_holder_is_the_post_not_the_signature_or_the_links() -> None:
    blocks = prose_holder_blocks(parse_page(_thread_page()), None)
    texts = [block.text for block in blocks if block.text]
    assert texts[0].startswith(POST_OPENING)
    assert POST_CLOSING in texts
    assert not any(REPLY_SIGNATURE in text or "论坛首页" in text for text in texts)


def test_prose_holder_of_a_page_without_prose_is_empty() -> None:
    assert (
        prose_holder_blocks(parse_page("<div><a href=/>首页</a> <a href=/n>新闻</a></div>"), None)
        == []
    )


def test_forum_post_among_badges_kept_without_the_page_around_it() -> None:
    story = extract_story((PAGES / "forum-post.html").read_bytes())
    paragraphs = story.body.split("\n\n")
    assert paragraphs[0].startswith(POST_OPENING)
    assert POST_CLOSING in paragraphs
    assert "论坛首页" not in story.body and "关于我们" not in story.body


def test_feed_text_is_escaped_in_html_output() -> None:
    story = Story(
        url=None, title="t", published=None, source=None, author=None, editor=None,
        body="<script>alert(1)</script>\n\n圖為會場", images=(),
    )  # fmt: skip
    fragment = story.to_html()
    assert "<script>" not in fragment
    assert "&lt;script&gt;" in fragment
    with_image = extract_story((PAGES / "sibling-hans.html").read_bytes(), "https://a.example/")
    html = with_image.to_html()
    assert '<figure><img src="https://a.example/pics/line10.jpg"' in html
    assert f"<figcaption>{EXPECTED['hans']['caption']}</figcaption>" in html
    assert html.count(EXPECTED["hans"]["caption"]) == 1


META_LINES = [
    (
        "2023-03-17 08:41:51來源: 河南日報編輯: 鄧高靖責編: 石麗敏",
        ("河南日報", None, "鄧高靖", "石麗敏"),
        datetime(2023, 3, 17, 8, 41, 51),
    ),
    (
        "2023年03月17日 08:41 来源：新华社 作者：李明 责任编辑：王芳",
        ("新华社", "李明", None, "王芳"),
        datetime(2023, 3, 17, 8, 41),
    ),
    (
        "發佈時間：2021/1/9 7:05 | 來源：中央社 | 記者：陳志明",
        ("中央社", "陳志明", None, None),
        datetime(2021, 1, 9, 7, 5),
    ),
]


@pytest.mark.parametrize(("line", "fields_wanted", "published"), META_LINES)
def test_meta_line_parser(
    line: str, fields_wanted: tuple[str | None, ...], published: datetime
) -> None:
    assert is_meta_line(line)
    fields = parse_meta_line(line, SHANGHAI)
    assert (fields.source, fields.author, fields.editor, fields.chief_editor) == fields_wanted
    assert fields.published == published.replace(tzinfo=SHANGHAI)


def test_copyright_years_and_bad_dates_are_not_publish_times() -> None:
    assert find_datetime("Copyright © 2004-2008-01 版權所有", SHANGHAI) is None
    assert find_datetime("2005-13-40 與 2004 - 01/01", SHANGHAI) is None
    found = find_datetime("版權所有 2019 · 發佈 2022.11.03 14:05", SHANGHAI)
    assert found == datetime(2022, 11, 3, 14, 5, tzinfo=SHANGHAI)
    assert find_datetime("x", UTC) is None


def test_original_title_line() -> None:
    assert parse_original_title("原標題：十號線一期正式載客運營") == "十號線一期正式載客運營"
    assert parse_original_title("（原标题：牡丹花开迎客来）") == "牡丹花开迎客来"
    assert parse_original_title("【原標題】牡丹花開") == "牡丹花開"
    assert parse_original_title("原标题为《宇航员之死》。") is None  # a sentence about one
    assert parse_original_title("原標題：") is None


def test_credit_line() -> None:
    assert parse_credit("（記者 王明 通訊員 李華）") == "王明、李華"
    assert parse_credit("這是一段很普通的文字，沒有任何署名。") is None


@pytest.mark.parametrize(
    "line",
    [
        "版權聲明：凡本網註明來源的作品，未經授權不得轉載。",
        "免责声明：本文仅代表作者观点。",
        "Copyright © 2023 Example News. All rights reserved.",
        "京ICP备05052632号",
        "分享到：微信 微博 QQ空间",
        "【字號 大 中 小】",
        "欢迎转载，转载请注明出处",
        "上一篇：市政府召開常務會議",
    ],
)
def test_boilerplate_lines(line: str) -> None:
    assert is_boilerplate_line(line)


@pytest.mark.parametrize(
    "line",
    [
        "本報訊 市政府昨日召開常務會議，研究部署今年的民生工作。",
        "法院審理認為，被告未經許可使用他人作品，侵犯了原告的著作權，應當承擔責任。" * 6,
        "分享經濟在本市發展很快，共享單車已經超過十萬輛。",
    ],
)
def test_story_lines_are_not_boilerplate(line: str) -> None:
    assert not is_boilerplate_line(line)


def test_related_news_headings() -> None:
    assert is_section_end_line("相關新聞")
    assert is_section_end_line("【相关阅读】")
    assert not is_section_end_line("相關新聞報道指出，當地經濟增長強勁。")


async def test_fetch_page_ok_and_redirect(feed_server) -> None:  # type: ignore[no-untyped-def]
    body = (PAGES / "footer-hans.html").read_bytes()
    target = feed_server.add("/story.html", body, content_type="text/html; charset=utf-8")

    def redirect(handler: BaseHTTPRequestHandler) -> None:
        handler.send_response(302)
        handler.send_header("Location", "/story.html")
        handler.send_header("Content-Length", "0")
        handler.end_headers()

    start = feed_server.add_handler("/old", redirect)
    async with HttpBackend().session() as session:
        data, charset, final_url = await fetch_page(start, session)
    assert data == body
    assert charset == "utf-8"
    assert final_url == target


async def test_fetch_page_404(feed_server) -> None:  # type: ignore[no-untyped-def]
    async with HttpBackend().session() as session:
        with pytest.raises(ExtractError, match="404"):
            await fetch_page(feed_server.url("/missing.html"), session)


async def test_fetch_page_refuses_redirect_to_file(feed_server) -> None:  # type: ignore[no-untyped-def]
    def redirect(handler: BaseHTTPRequestHandler) -> None:
        handler.send_response(301)
        handler.send_header("Location", "file:///etc/passwd")
        handler.send_header("Content-Length", "0")
        handler.end_headers()

    url = feed_server.add_handler("/sneaky", redirect)
    async with HttpBackend().session() as session:
        with pytest.raises(ExtractError, match="redirect to file: refused") as caught:
            await fetch_page(url, session)
    assert url in str(caught.value)


async def test_fetch_page_size_cap_on_endless_body(feed_server) -> None:  # type: ignore[no-untyped-def]
    def endless(handler: BaseHTTPRequestHandler) -> None:
        handler.send_response(200)
        handler.send_header("Content-Type", "text/html")
        handler.end_headers()
        chunk = "<p>新聞</p>".encode() * 1000
        for _ in range(10_000):  # bounded: ~140 MB at most, the client stops far earlier
            handler.wfile.write(chunk)

    url = feed_server.add_handler("/endless", endless)
    async with HttpBackend(FetchSettings(max_bytes=200_000)).session() as session:
        with pytest.raises(ExtractError, match="larger than"):
            await fetch_page(url, session)


async def test_fetch_page_redirect_loop(feed_server) -> None:  # type: ignore[no-untyped-def]
    def loop(handler: BaseHTTPRequestHandler) -> None:
        handler.send_response(302)
        handler.send_header("Location", "/loop")
        handler.send_header("Content-Length", "0")
        handler.end_headers()

    url = feed_server.add_handler("/loop", loop)
    async with HttpBackend().session() as session:
        with pytest.raises(ExtractError, match="redirect loop"):
            await fetch_page(url, session)


def _cli(argv: list[str]) -> tuple[int, str, str, pytest.CaptureFixture[str] | None]:
    args = build_parser().parse_args(["extract", *argv])
    out = io.StringIO()
    code = cli_extract.run(args, out)
    return code, out.getvalue(), "", None


def test_cli_json_in_input_order_with_failures(capsys: pytest.CaptureFixture[str]) -> None:
    pages = [
        str(PAGES / "inline-hant.html"),
        str(PAGES / "no-such-page.html"),
        str(PAGES / "footer-hans.html"),
    ]
    code, output, _, _ = _cli([*pages, "--json"])
    assert code == 1
    records = [json.loads(line) for line in output.splitlines()]
    assert [record.get("title") for record in records] == [
        EXPECTED["hant"]["title"], None, EXPECTED["hans"]["title"]
    ]  # fmt: skip
    assert records[1]["url"] == pages[1] and "cannot read" in records[1]["error"]
    assert "cannot read" in capsys.readouterr().err


def test_cli_text_output_and_script(tmp_path: Path) -> None:
    code, output, _, _ = _cli([str(PAGES / "sibling-hans.html"), "--script", "hant"])
    assert code == 0
    lines = output.splitlines()
    assert lines[0] == EXPECTED["hant"]["title"]
    assert "2023-03-17 08:41" in lines[2] and "河南日報" in lines[2]
    assert "[圖] /pics/line10.jpg" in output


def test_cli_strips_control_characters(tmp_path: Path) -> None:
    page = tmp_path / "evil.html"
    text = "市政府今天宣佈新一輪的減稅措施，\x1b]52;c;aGVsbG8=\x07預計惠及全市三十萬家中小企業。"
    page.write_text(
        f"<html><body><h1>減稅\x1b[31m措施</h1><p>{text}</p><p>{text}</p></body></html>"
    )
    code, output, _, _ = _cli([str(page)])
    assert code == 0
    assert "\x1b" not in output and "\x07" not in output
    assert "預計惠及全市" in output
