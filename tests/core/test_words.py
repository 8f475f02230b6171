"""Words: case, accents, punctuation and scripts fold the same way; output is bounded."""

import pytest

from app.core.words import WORD_CHARS_MAX, WORDS_MAX, words_of


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Café CAFE café cafe\u0301", ["cafe"]),  # precomposed and combining accents alike
        ("ROLLOUT Rollout rollout", ["rollout"]),
        ("Straße İstanbul ǅemal", ["strasse", "istanbul", "dzemal"]),
        # compatibility forms: the fi ligature, fullwidth digits, a Roman numeral
        ("\ufb01le \uff12\uff10\uff12\uff14 \u216b", ["file", "2024", "xii"]),
        ("naïve—résumé, déjà-vu!", ["naive", "resume", "deja", "vu"]),
        ("kubernetes_rollout v1.2", ["kubernetes", "rollout", "v1", "2"]),
        ("Ελληνικά ΣΟΦΙΑ σοφία", ["ελληνικα", "σοφια"]),
        ("Привет, МИР", ["привет", "мир"]),
        ("١٢٣ مرحبا", ["١٢٣", "مرحبا"]),
        ("東京タワー", ["東", "京", "タ", "ワ", "ー"]),  # no spaces: one word per character
        ("rocket 🚀 launch", ["rocket", "launch"]),
    ],
)
def test_words_fold_case_accents_and_forms(text, expected):
    assert words_of(text) == expected


@pytest.mark.parametrize("text", [".*", "$gt", '{"$gt": ""}', "(a+)+$", "[", "\\"])
def test_operators_and_metacharacters_are_at_most_plain_words(text):
    assert all(word.isalnum() for word in words_of(text))
    assert words_of(text) in ([], ["a"], ["gt"])


@pytest.mark.parametrize("text", [None, "", "   ", "...", "— !? —"])
def test_no_words(text):
    assert words_of(text) == []


def test_distinct_in_order_of_first_appearance():
    assert words_of("b a B c A") == ["b", "a", "c"]


def test_long_words_are_cut_the_same_way_in_text_and_query():
    long = "x" * (WORD_CHARS_MAX + 50)
    assert words_of(long) == ["x" * WORD_CHARS_MAX]
    assert words_of(long + "yz") == words_of(long)


def test_a_text_yields_at_most_words_max_words():
    text = " ".join(f"w{i}" for i in range(WORDS_MAX + 500))
    found = words_of(text)
    assert len(found) == WORDS_MAX
    assert found[0] == "w0" and found[-1] == f"w{WORDS_MAX - 1}"
