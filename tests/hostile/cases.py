"""The hostile strings: markup, terminal escapes, bidi and zero-width tricks, written for these tests.

Each case is a name, the hostile text, and the harmless Chinese words that must survive it, so a
test can check both that the attack is gone and that the story is still there.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

ESC = "\x1b"


@dataclass(frozen=True)
class HostileText:
    """A piece of feed text with an attack in it and the words that must survive."""

    name: str
    text: str
    keep: tuple[str, ...]


HOSTILE_TEXTS: tuple[HostileText, ...] = (
    HostileText(
        "rich_markup",
        "[bold red]緊急通知[/bold red] 市政府發布",
        ("[bold red]緊急通知[/bold red]",),
    ),
    HostileText(
        "link_markup",
        "[link=https://evil.example/]點此領獎[/link]",
        ("[link=https://evil.example/]點此領獎[/link]",),
    ),
    HostileText("click_action", "[@click=app.quit]關閉[/] 新聞", ("[@click=app.quit]關閉[/]",)),
    HostileText("csi_colour", f"{ESC}[31m紅色標題{ESC}[0m 氣象", ("紅色標題", "氣象")),
    HostileText("csi_clear", f"{ESC}[2J{ESC}[H清屏之後 再報", ("清屏之後",)),
    HostileText("osc52_clipboard", f"剪貼簿{ESC}]52;c;cm0gLXJmIH4K{ESC}\\攻擊", ("剪貼簿", "攻擊")),
    HostileText("osc52_bel", f"剪貼{ESC}]52;c;ZWNobyBoaQ==\x07結束", ("剪貼", "結束")),
    HostileText("osc0_title", f"{ESC}]0;假冒視窗標題\x07真正的標題", ("真正的標題",)),
    HostileText("dcs", f"前文{ESC}Pq#0;2;0;0;0{ESC}\\後文", ("前文", "後文")),
    HostileText("c1_csi", "八位元\x9b31m控制\x9b0m字元", ("八位元", "控制", "字元")),
    HostileText("c1_osc", "標題\x9d0;偽造\x9c正文", ("標題", "正文")),
    HostileText("bel_backspace", "響鈴\x07\x07退格\x08\x08刪除\x7f", ("響鈴", "退格", "刪除")),
    HostileText("bidi_override", "付款\u202egpj.exe\u202c完成", ("付款", "完成")),
    HostileText("bidi_isolates", "\u2066隔離\u2069\u2067文字\u2069", ("隔離", "文字")),
    HostileText("zero_width", "鄭\u200b州\u200c新\u200d聞\ufeff\u2060", ("鄭州新聞",)),
    HostileText("nul_and_cr", "空\x00字元\r回車", ("空字元",)),
)

# What must never reach a terminal from feed text.
_UNSAFE_CHARS = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200b-\u200f\u202a-\u202e\u2060\u2066-\u2069\ufeff]"
)
# Payload words that only an escape sequence carried: they must go with the sequence.
PAYLOAD_WORDS = ("cm0gLXJmIH4K", "ZWNobyBoaQ==", "假冒視窗標題", "#0;2;0;0;0", "偽造")


def unsafe_characters(text: str) -> list[str]:
    """The control, bidi and zero-width characters in `text`, as escapes for a readable failure."""
    return [f"U+{ord(c):04X}" for c in _UNSAFE_CHARS.findall(text)]


def assert_terminal_safe(text: str) -> None:
    """Fail when `text` carries anything that could steer a terminal or reorder what is shown."""
    found = unsafe_characters(text)
    assert not found, f"unsafe characters reached the output: {found[:10]}"
    for payload in PAYLOAD_WORDS:
        assert payload not in text, f"escape payload {payload!r} reached the output"
