"""Follow-up questions rewritten into standalone ones by the rules (no LLM)."""

from __future__ import annotations

import pytest

from kb.answer.followup import Exchange, RuleRewriter, needs_context

ZHUZHOU = Exchange(
    "株洲市直机关实施了什么工程？",
    "今年以来,市直机关的工作紧贴“发愤图强、重振雄风”要求,实施“动力党建·合力攻坚”工程,以政治建设为统领[1]。",
)


@pytest.mark.parametrize(
    ("history", "question", "standalone"),
    [
        ([Exchange("党员有哪些权利？")], "那预备党员呢？", "预备党员有哪些权利？"),
        ([Exchange("党员的预备期是多长时间？")], "那预备党员呢？", "预备党员的预备期是多长时间？"),
        ([ZHUZHOU], "这个工程是谁提出的？", "“动力党建·合力攻坚”工程是谁提出的？"),
        (
            [Exchange("“动力党建·合力攻坚”工程的内容是什么？")],
            "这个工程是谁提出的？",
            "“动力党建·合力攻坚”工程是谁提出的？",
        ),
        (
            [Exchange("行政机关公务员处分条例规定了哪些处分？", "处分分为警告、记过、记大过、降级、撤职、开除。")],
            "该条例什么时候施行？",
            "行政机关公务员处分条例什么时候施行？",
        ),
        ([Exchange("宪法的修正案有哪些内容？")], "它是哪一年修正的？", "宪法是哪一年修正的？"),
    ],
)
def test_a_follow_up_becomes_a_standalone_question(history, question, standalone):
    assert RuleRewriter().rewrite(question, history) == standalone


def test_the_nearest_turn_wins_over_older_ones():
    history = [Exchange("“活力家园”工程是什么？"), ZHUZHOU]
    assert RuleRewriter().rewrite("这个工程是谁提出的？", history) == "“动力党建·合力攻坚”工程是谁提出的？"


def test_a_standalone_question_or_one_without_history_passes_unchanged():
    r = RuleRewriter()
    assert r.rewrite("党员有哪些义务？", [ZHUZHOU]) == "党员有哪些义务？"
    assert r.rewrite("那预备党员呢？", []) == "那预备党员呢？"
    assert r.rewrite("  党员  有哪些义务？ ", []) == "党员 有哪些义务？"


def test_follow_up_shapes_are_recognised():
    assert needs_context("那预备党员呢？") and needs_context("这个工程是谁提出的？") and needs_context("它是什么？")
    assert not needs_context("党员的预备期是多长时间？")


def test_an_elliptic_follow_up_without_a_clear_slot_keeps_both_subjects():
    r = RuleRewriter()
    assert r.rewrite("那上海呢？", [Exchange("北京的经济增长目标是多少？")]) == "上海的经济增长目标是多少？"
    out = r.rewrite("那39支党员先锋队呢？", [Exchange("株洲市城管系统有多少名党员干部奋战一线？")])
    assert out == "39支党员先锋队：株洲市城管系统有多少名党员干部奋战一线？"


PROJECT = Exchange("动力党建·合力攻坚工程是谁提出的？", "市直机关工委提出在市直机关开展“动力党建·合力攻坚”工程")


@pytest.mark.parametrize(
    "question",
    ["入党积极分子应该具备什么条件？", "因此党员要做什么？", "尤其是党员干部要做什么？", "此外还有什么要求？"],
)
def test_words_that_merely_contain_a_pronoun_character_are_not_follow_ups(question):
    assert not needs_context(question)
    assert RuleRewriter().rewrite(question, [PROJECT]) == question


def test_a_sentence_final_de_is_not_the_de_of_a_possessive():
    r = RuleRewriter()
    assert r.rewrite("它有哪些内容？", [PROJECT]) == "动力党建·合力攻坚工程有哪些内容？"
    assert r.rewrite("那预备党员呢？", [PROJECT]) == "预备党员：动力党建·合力攻坚工程是谁提出的？"


@pytest.mark.parametrize(
    ("previous", "follow_up", "standalone"),
    [
        ("党员的权利有哪些？", "那义务呢？", "党员的义务有哪些？"),
        ("党员的义务有哪些？", "那干部呢？", "干部的义务有哪些？"),
        ("2024年的赤字率是多少？", "那专项债呢？", "2024年的专项债是多少？"),
        ("2024年的赤字率是多少？", "那2025年呢？", "2025年的赤字率是多少？"),
        ("市城管局的党建品牌叫什么？", "那市生态环境局呢？", "市生态环境局的党建品牌叫什么？"),
    ],
)
def test_a_new_thing_replaces_the_b_of_a_de_b_and_a_new_who_or_when_replaces_the_a(previous, follow_up, standalone):
    assert RuleRewriter().rewrite(follow_up, [Exchange(previous)]) == standalone
