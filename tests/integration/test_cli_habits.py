"""`reader show --markdown` and `reader fetch`'s notify_command, run as a user would."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from tests.integration.test_cli import configured, run  # noqa: F401 (the fixture)


def add_setting(config: Path, line: str) -> None:
    text = config.read_text(encoding="utf-8")
    config.write_text(text.replace("[settings]\n", f"[settings]\n{line}\n", 1), encoding="utf-8")


def test_show_markdown_prints_the_article_as_markdown(configured: Path) -> None:  # noqa: F811
    cfg = ["--config", str(configured)]
    run("fetch", *cfg)
    _, out, _ = run("list", "--json", *cfg)
    article = next(i for i in json.loads(out) if i["title"] == "鄭州地鐵新線今日通車")
    code, out, err = run("show", str(article["id"]), "--markdown", "--script", "hans", *cfg)
    assert code == 0, err
    assert out.startswith("# 郑州地铁新线今日通车\n\n*")
    assert "[详情](<http://127.0.0.1/more/0>)" in out
    assert out.rstrip().endswith("Source: <http://127.0.0.1/a/0>")


def test_fetch_runs_notify_command_with_count_and_titles(
    configured: Path,  # noqa: F811
    tmp_path: Path,
) -> None:
    out_file = tmp_path / "notified"
    code = "import sys; open(sys.argv[1], 'w').write(chr(0).join(sys.argv[2:]))"
    # A TOML multi-line literal string keeps quotes and backslashes as they are.
    add_setting(configured, f"notify_command = '''{sys.executable} -c \"{code}\" {out_file}'''")
    status, out, err = run("fetch", "--config", str(configured))
    assert "5 new articles" in out
    count, *titles = out_file.read_text(encoding="utf-8").split("\0")
    assert count == "5" and len(titles) == 5
    assert "鄭州地鐵新線今日通車" in titles
    out_file.unlink()
    run("fetch", "--config", str(configured))  # nothing new: not run
    assert not out_file.exists()


def test_a_failing_notify_command_is_one_line_on_stderr(configured: Path) -> None:  # noqa: F811
    add_setting(configured, 'notify_command = "no-such-notifier --now"')
    status, out, err = run("fetch", "--config", str(configured))
    assert "reader: notify_command failed: no-such-notifier: command not found\n" in err
    assert "5 new articles" in out
