"""lib.wordfreq: jieba's dictionary in a compact table that answers exactly as jieba's dict."""

from __future__ import annotations

from pathlib import Path

import pytest

from aftersales.lib.wordfreq import build, load_jieba, load_or_build

DICT = ["交换机 300 n", "交换 500 v", "换机 20 n", "电源模块 40 n", "交换 700 v"]


def test_a_words_last_line_gives_its_frequency():
    table, total = build(DICT)
    assert table["交换"] == 700
    assert table.get("电源模块") == 40
    assert total == 300 + 500 + 20 + 40 + 700


def test_prefixes_of_words_are_present_with_no_frequency():
    table, _ = build(DICT)
    assert "电源模" in table
    assert table["电源模"] == 0
    assert "电" in table


def test_other_fragments_are_absent():
    table, _ = build(DICT)
    assert "模块" not in table
    assert table.get("模块") is None
    with pytest.raises(KeyError):
        table["源"]


def test_the_cache_file_gives_back_the_same_table(tmp_path):
    dictionary = tmp_path / "dict.txt"
    dictionary.write_text("\n".join(DICT) + "\n", encoding="utf-8")
    built, total = load_or_build(dictionary, tmp_path)
    assert list(tmp_path.glob("aftersales-wordfreq-*.bin"))
    cached, cached_total = load_or_build(dictionary, tmp_path)
    assert cached_total == total
    assert [cached.get(w) for w in ("交换机", "交", "电源模块", "块")] == [300, 0, 40, None]


def test_jieba_finds_the_same_words_with_the_compact_table(tmp_path):
    jieba = load_jieba()
    texts = [
        "核心交换机端口闪断，Huawei S5700，客户电话报修，已远程排查",
        "数据中心存储阵列双机切换失败 NetApp FAS8200 license过期",
        "灾备中心UPS电源掉电，更换备件后观察，需要原厂支持",
        "三楼弱电间无线控制器反复重启，日志报错，协调机房进场时间",
    ]
    own = jieba.Tokenizer()
    own.tmp_dir = str(tmp_path)
    compact = jieba.Tokenizer()
    compact.FREQ, compact.total = load_or_build(Path(jieba.__file__).parent / "dict.txt", tmp_path)
    compact.initialized = True
    for text in texts:
        assert list(compact.cut_for_search(text)) == list(own.cut_for_search(text))
