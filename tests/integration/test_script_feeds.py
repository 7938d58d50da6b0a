"""exec: feeds and feed filters met through `reader fetch`: real programs (a script that prints a
feed, `cat`, `sed`, `sleep`), a real loopback server and a real cache file; a failing program is
one line on its feed and costs no cached article; an OPML file can never bring a program in."""

from __future__ import annotations

import json
import shlex
from pathlib import Path

from tests.hostile.harness import rss, rss_item, run_cli
from tests.support.feedserver import FeedServer

FEED = rss(
    "腳本新聞", [rss_item("第一條消息", "<p>內容一</p>", 1), rss_item("第二條", "<p>二</p>", 2)]
)


def write_config(path: Path, feeds: list[dict[str, str]], **settings: object) -> Path:
    settings = {"refresh_on_start": False, "feed_deadline": 10.0} | settings
    lines = ["[settings]"] + [f"{key} = {json.dumps(value)}" for key, value in settings.items()]
    lines += ["", "[[section]]", 'name = "腳本"']
    for feed in feeds:
        lines += ["", "[[section.feed]]"]
        lines += [f"{key} = {json.dumps(value, ensure_ascii=False)}" for key, value in feed.items()]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def script_feed(tmp_path: Path, body: str) -> str:
    """An exec: URL running a shell script (the script is a file: no shell line is built)."""
    script = tmp_path / "feed.sh"
    script.write_text(body, encoding="utf-8")
    return f"exec:sh {shlex.quote(str(script))}"


def fetch(config: Path) -> dict[str, object]:
    code, out, err = run_cli("fetch", "--json", "--config", str(config))
    assert code in (0, 1) and "Traceback" not in err, err
    result: dict[str, object] = json.loads(out)
    result["code"] = code
    return result


def titles(config: Path) -> list[str]:
    code, out, _ = run_cli("list", "--json", "--config", str(config))
    assert code == 0
    return sorted(item["title"] for item in json.loads(out))


def feed_error(result: dict[str, object], url: str) -> str:
    feeds = result["feeds"]
    assert isinstance(feeds, list)
    found = next(feed for feed in feeds if feed["url"] == url)
    return str(found["error"])


def test_an_exec_feed_is_what_its_program_prints(tmp_path: Path) -> None:
    feed_file = tmp_path / "feed.xml"
    feed_file.write_text(FEED, encoding="utf-8")
    url = f"exec:cat {shlex.quote(str(feed_file))}"
    config = write_config(tmp_path / "config.toml", [{"url": url}])
    first = fetch(config)
    assert first["code"] == 0 and first["new_articles"] == 2
    assert titles(config) == ["第一條消息", "第二條"]
    # No HTTP validators: the same output is recognised by its hash and not parsed again.
    again = fetch(config)
    assert again["not_modified"] == 1 and again["new_articles"] == 0


def test_a_failing_program_is_one_line_and_the_feed_keeps_its_articles(tmp_path: Path) -> None:
    url = script_feed(tmp_path, f"cat <<'END'\n{FEED}\nEND\n")
    config = write_config(tmp_path / "config.toml", [{"url": url}], feed_deadline=1.0)
    assert fetch(config)["new_articles"] == 2
    script = tmp_path / "feed.sh"
    cases = {
        "sleep 10\n": "no answer within 1 s",
        "echo 'no such feed' >&2; exit 3\n": "exit 3: no such feed",
        "echo '<html>garbage</html><p>not a feed'\n": "not a feed",
        "exit 0\n": "",  # prints nothing: a parse failure too
    }
    for body, words in cases.items():
        script.write_text(body, encoding="utf-8")
        result = fetch(config)
        assert result["code"] == 1, body
        error = feed_error(result, url)
        assert words in error and "\n" not in error, (body, error)
        assert titles(config) == ["第一條消息", "第二條"], "cached articles stay"
    code, out, _ = run_cli("sections", "--config", str(config))
    assert code == 0 and "[failed:" in out


def test_a_missing_program_is_a_feed_error(tmp_path: Path) -> None:
    url = "exec:no-such-program-for-reader --flag"
    config = write_config(tmp_path / "config.toml", [{"url": url}])
    result = fetch(config)
    assert result["code"] == 1
    assert feed_error(result, url) == "no-such-program-for-reader: command not found"


def test_a_program_writing_too_much_is_stopped_at_the_feed_cap(tmp_path: Path) -> None:
    url = "exec:yes 腳本"
    config = write_config(tmp_path / "config.toml", [{"url": url}], max_feed_bytes=100_000)
    result = fetch(config)
    assert "wrote more than 100000 bytes" in feed_error(result, url)


def test_the_command_runs_without_a_shell(tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    url = f"exec:echo hi ; touch {marker}"
    config = write_config(tmp_path / "config.toml", [{"url": url}])
    fetch(config)
    assert not marker.exists(), "`;` is an argument of echo, never a shell operator"


def test_a_filter_pipes_the_downloaded_body(tmp_path: Path, feed_server: FeedServer) -> None:
    plain = feed_server.add("/plain.xml", FEED)
    changed = feed_server.add("/changed.xml", FEED.replace("腳本新聞", "原名"))
    config = write_config(
        tmp_path / "config.toml",
        [
            {"url": plain, "filter": "cat"},
            {"url": changed, "filter": "sed -e s/第一條消息/濾過的標題/"},
        ],
    )
    result = fetch(config)
    assert result["code"] == 0 and result["new_articles"] == 4
    assert titles(config) == ["濾過的標題", "第一條消息", "第二條", "第二條"]


def test_a_filter_that_fails_is_a_feed_error(tmp_path: Path, feed_server: FeedServer) -> None:
    url = feed_server.add("/feed.xml", FEED)
    config = write_config(tmp_path / "config.toml", [{"url": url}])
    assert fetch(config)["new_articles"] == 2
    feed_server.add("/feed.xml", FEED.replace("第二條", "第三條"))
    for command, words in [
        ("false", "filter: false: exit 1"),
        ("no-such-filter-program", "filter: no-such-filter-program: command not found"),
        ("echo 這不是一個源", "not a feed"),
    ]:
        write_config(config, [{"url": url, "filter": command}], feed_deadline=2.0)
        result = fetch(config)
        assert result["code"] == 1 and words in feed_error(result, url), command
        assert titles(config) == ["第一條消息", "第二條"]


def test_an_opml_file_never_brings_a_program(tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    opml = tmp_path / "feeds.opml"
    opml.write_text(
        '<?xml version="1.0"?><opml version="2.0"><body><outline text="壞">'
        f'<outline type="rss" text="a" xmlUrl="exec:touch {marker}"/>'
        f'<outline type="rss" text="b" xmlUrl="http://127.0.0.1:9/b.xml" filter="touch {marker}"'
        ' user="me" password="pw"/>'
        "</outline></body></opml>",
        encoding="utf-8",
    )
    config = write_config(tmp_path / "config.toml", [])
    code, out, _ = run_cli("import", str(opml), "--config", str(config))
    assert code == 0 and "not an http(s) feed address" in out
    text = config.read_text(encoding="utf-8")
    assert "exec:" not in text and "filter" not in text and "password" not in text
    assert "http://127.0.0.1:9/b.xml" in text
    fetch(config)
    assert not marker.exists()
    code, _, err = run_cli("add", f"exec:touch {marker}", "--config", str(config))
    assert code == 2 and "not an http(s) URL" in err
    assert "exec:" not in config.read_text(encoding="utf-8")


def test_opml_export_leaves_programs_out(tmp_path: Path, feed_server: FeedServer) -> None:
    url = feed_server.add("/feed.xml", FEED)
    secret_command = "exec:fetch-feed --token SECRET-TOKEN"
    config = write_config(
        tmp_path / "config.toml", [{"url": url, "filter": "cat"}, {"url": secret_command}]
    )
    code, out, err = run_cli("export", "--config", str(config))
    assert code == 0 and url in out
    assert "exec:" not in out and "SECRET-TOKEN" not in out and "cat" not in out
    assert "left out 1 exec: feeds" in err
