"""A result's snippet reads as text: Markdown's markup is left out, the matches are marked."""

from __future__ import annotations

from aftersales.kb.search import snippet


def test_a_snippet_leaves_out_headings_emphasis_links_and_tables():
    body = "## 现象\n\n电源**指示灯**红色闪烁。\n\n- 检查 [供电](http://x)\n\n| a | b |\n|---|---|"

    text = snippet(body, ["电源"])

    assert text.startswith("现象 <mark>电源</mark>")
    assert "#" not in text and "**" not in text and "http://x" not in text and "|" not in text


def test_a_snippet_still_escapes_what_the_author_typed():
    assert "&lt;script&gt;" in snippet("**<script>**alert(1) 电源", ["电源"])


def test_a_snippet_leaves_out_single_asterisk_emphasis_but_keeps_a_product():
    text = snippet("显示 *Power supply abnormal*，功率 2*3 千瓦", ["Power"])

    assert "<mark>Power</mark> supply abnormal，" in text
    assert "2*3" in text
