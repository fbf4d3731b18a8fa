import pytest
from pydantic import ValidationError

from kb.settings import Settings, load_settings


def _fields(model, prefix=""):
    for name, f in model.model_fields.items():
        yield prefix + name, f
        ann = f.annotation
        if isinstance(ann, type) and hasattr(ann, "model_fields"):
            yield from _fields(ann, prefix + name + ".")


def test_every_setting_is_documented():
    undocumented = [n for n, f in _fields(Settings) if not f.description]
    assert undocumented == []


def test_env_vars_override_defaults_and_nest_with_double_underscore(monkeypatch, tmp_path):
    monkeypatch.setenv("KB_SETTINGS_FILE", str(tmp_path / "absent.toml"))
    monkeypatch.setenv("KB_LLM__PROVIDER", "openai")
    monkeypatch.setenv("KB_RETRIEVAL__TOP_K", "9")
    s = load_settings()
    assert s.llm.provider == "openai"
    assert s.retrieval.top_k == 9


def test_a_settings_file_is_read_and_unknown_keys_are_rejected(monkeypatch, tmp_path):
    f = tmp_path / "settings.toml"
    f.write_text('data_dir = "x/kb"\n[answer]\nmax_sentences = 2\n', encoding="utf-8")
    monkeypatch.setenv("KB_SETTINGS_FILE", str(f))
    s = load_settings()
    assert str(s.data_dir) == "x/kb" and s.answer.max_sentences == 2
    f.write_text("[answer]\nmax_sentence = 2\n", encoding="utf-8")
    with pytest.raises(ValidationError):
        load_settings()
