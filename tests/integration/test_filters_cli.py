"""Query sections and filter rules through `reader`: sections, list --section, list --all,
search, counts, read/star on first store only, and a bad rule's config error (exit 2)."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from tests.hostile.harness import run_cli

BAD_RULES = {
    "syntax": ('[[filter]]\nquery = "title:(推广"\naction = "hide"\n', 5, "column 7"),
    "action": ('[[filter]]\nquery = "推广"\naction = "delete"\n', 6, "filter.action"),
    "query_type": ('[[query]]\nname = "x"\nquery = ["a"]\n', 6, "query.query"),
}


@pytest.mark.parametrize("name", BAD_RULES)
def test_a_bad_rule_stops_every_command_with_exit_2(tmp_path: Path, name: str) -> None:
    rules, line, fragment = BAD_RULES[name]
    config = tmp_path / "config.toml"
    config.write_text('[[section]]\nname = "要聞"\n\n' + rules, encoding="utf-8")
    before = hashlib.sha256(config.read_bytes()).hexdigest()
    for command in (["list"], ["sections"], ["search", "郑州"], ["fetch"]):
        code, out, err = run_cli(*command, "--config", str(config))
        assert code == 2, (command, err)
        assert f"{config}:{line}:" in err and fragment in err, err
        assert err.count("\n") == 1 and "Traceback" not in err and out == ""
    assert hashlib.sha256(config.read_bytes()).hexdigest() == before
