"""Dropdown refreshes of the workflow tabs: new choices in, values whose document is gone out."""

from ui.workflows import fresh_choices

DOCS = [("党章（dangzhang.txt）", "dz"), ("新上传（new.txt）", "new")]


def test_a_value_that_still_exists_is_not_sent_back_so_a_concurrent_change_wins():
    assert fresh_choices(DOCS, "dz") == {"__type__": "update", "choices": DOCS}
    assert fresh_choices(DOCS, ["dz", "new"], multiselect=True) == {"__type__": "update", "choices": DOCS}


def test_a_value_whose_document_was_deleted_is_dropped():
    assert fresh_choices(DOCS, "gone")["value"] is None
    assert fresh_choices(DOCS, ["gone", "dz"], multiselect=True)["value"] == ["dz"]
    assert fresh_choices(["五懂五会"], "四风")["value"] is None


def test_nothing_selected_stays_nothing_selected():
    assert "value" not in fresh_choices(DOCS, None)
    assert "value" not in fresh_choices(DOCS, None, multiselect=True)
