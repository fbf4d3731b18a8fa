"""Prompt files load, declare exactly the variables they use, and render."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from kb.answer.prompts import Prompt, load_all, load_prompt

PROMPTS_DIR = Path(__file__).resolve().parents[2] / "prompts"


def write(folder: Path, name: str, body: str) -> Path:
    path = folder / f"{name}.toml"
    path.write_text(body, encoding="utf-8")
    return path


def test_every_prompt_in_the_prompts_folder_loads_and_renders_every_variable():
    prompts = load_all(PROMPTS_DIR)
    assert {"answer", "rewrite"} <= set(prompts)
    for name, prompt in prompts.items():
        assert prompt.name == name and prompt.description
        values = {v: f"<{v}-值>" for v in prompt.variables}
        system, user = prompt.render(**values)
        rendered = system + user
        for v in prompt.variables:
            assert f"<{v}-值>" in rendered
        assert "{" not in rendered
        assert system == system.strip() and user == user.strip()


def test_the_answer_prompt_asks_for_markers_brevity_and_the_exact_refusal_sentence():
    p = load_prompt(PROMPTS_DIR, "answer")
    assert p.variables == ["question", "passages"]
    system, user = p.render(
        question="党员的预备期是多长时间？", passages="[1] 《中国共产党章程》 第七条\n预备期为一年。"
    )
    assert "知识库中没有找到相关内容。" in system
    assert "[1]" in system and "150" in system
    assert "党员的预备期是多长时间？" in user and "[1] 《中国共产党章程》 第七条" in user


def test_the_rewrite_prompt_takes_the_history_and_the_follow_up():
    p = load_prompt(PROMPTS_DIR, "rewrite")
    assert sorted(p.variables) == ["history", "question"]
    _, user = p.render(history="用户：党员的预备期是多长？\n助手：一年。", question="那它能延长吗？")
    assert "那它能延长吗？" in user and "党员的预备期是多长？" in user


def test_values_with_braces_are_inserted_as_they_are():
    p = load_prompt(PROMPTS_DIR, "answer")
    _, user = p.render(question="{passages} 是什么？", passages="代码 {x} 与 {{y}}")
    assert "{passages} 是什么？" in user and "代码 {x} 与 {{y}}" in user


def test_rendering_without_a_declared_variable_raises_key_error():
    with pytest.raises(KeyError):
        load_prompt(PROMPTS_DIR, "answer").render(question="问题")


def test_rendering_with_an_unknown_variable_raises_value_error():
    with pytest.raises(ValueError, match="history"):
        load_prompt(PROMPTS_DIR, "answer").render(question="问", passages="资料", history="多余")


def test_a_template_using_an_undeclared_variable_is_refused_at_load(tmp_path):
    write(
        tmp_path,
        "bad",
        'name = "bad"\ndescription = "d"\nvariables = ["question"]\nsystem = "s"\nuser = "{question}{passges}"\n',
    )
    with pytest.raises(ValidationError, match="passges"):
        load_prompt(tmp_path, "bad")


def test_a_declared_variable_no_template_uses_is_refused_at_load(tmp_path):
    write(
        tmp_path,
        "bad",
        'name = "bad"\ndescription = "d"\nvariables = ["question", "history"]\nsystem = ""\nuser = "{question}"\n',
    )
    with pytest.raises(ValidationError, match="history"):
        load_prompt(tmp_path, "bad")


def test_an_unknown_key_or_a_positional_placeholder_is_refused(tmp_path):
    write(
        tmp_path, "extra", 'name = "extra"\ndescription = "d"\nvariables = []\nsystem = ""\nuser = "u"\nmodel = "x"\n'
    )
    with pytest.raises(ValidationError):
        load_prompt(tmp_path, "extra")
    with pytest.raises(ValidationError):
        Prompt(name="p", description="d", variables=[], system="", user="第{0}条")


def test_a_file_whose_name_differs_from_its_prompt_name_is_refused(tmp_path):
    write(tmp_path, "answer", 'name = "other"\ndescription = "d"\nvariables = []\nsystem = ""\nuser = "u"\n')
    with pytest.raises(ValueError, match="does not match"):
        load_prompt(tmp_path, "answer")


def test_literal_braces_in_a_template_are_written_doubled(tmp_path):
    write(
        tmp_path,
        "json",
        'name = "json"\ndescription = "d"\nvariables = ["q"]\nsystem = "回复 {{\\"a\\": 1}}"\nuser = "{q}"\n',
    )
    system, user = load_prompt(tmp_path, "json").render(q="问")
    assert system == '回复 {"a": 1}' and user == "问"
