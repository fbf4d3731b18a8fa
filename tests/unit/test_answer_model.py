"""The shipped answer model: it loads, it is what `python -m kb train` fits from the shipped rows, it reads clearly."""

from __future__ import annotations

import json

import pytest

from kb.answer.answer_model import MODEL_FILE, AnswerModel
from kb.answer.features import QUESTION_FEATURES, SENTENCE_FEATURES
from kb.cli.training import ROWS_FILE, fit, read_rows


def test_the_shipped_model_names_every_feature_the_answerer_computes():
    model = AnswerModel.load()
    assert model.sentence.names == SENTENCE_FEATURES
    assert model.answerable.names == QUESTION_FEATURES
    assert 0.0 < model.threshold < 1.0
    assert set(model.meta["sets"]) == {"dev", "crud_rag", "ncp"}


def test_refitting_from_the_shipped_rows_reproduces_the_shipped_weights():
    shipped = AnswerModel.load()
    refit = fit(read_rows(ROWS_FILE))
    for a, b in ((shipped.sentence, refit.sentence), (shipped.answerable, refit.answerable)):
        assert a.names == b.names
        assert a.coef == pytest.approx(b.coef, abs=1e-4)
        assert a.intercept == pytest.approx(b.intercept, abs=1e-4)
        assert a.mean == pytest.approx(b.mean, abs=1e-4)
    assert shipped.threshold == pytest.approx(refit.threshold, abs=1e-4)


def test_a_broken_model_file_is_an_error_that_names_the_file_and_the_fix(tmp_path):
    bad = tmp_path / "answer_model.json"
    bad.write_text("{not json", encoding="utf-8")
    with pytest.raises(RuntimeError, match="python -m kb train") as e:
        AnswerModel.load(bad)
    assert str(bad) in str(e.value)
    with pytest.raises(RuntimeError):
        AnswerModel.load(tmp_path / "missing.json")


def test_the_linear_model_is_the_logistic_regression_sklearn_fitted():
    import numpy as np
    from sklearn.linear_model import LogisticRegression

    rows = read_rows(ROWS_FILE)
    xs = [cd["f"] for r in rows[:40] for cd in r["candidates"]]
    ys = [cd["y"] for r in rows[:40] for cd in r["candidates"]]
    if len(set(ys)) < 2:
        pytest.skip("the first rows hold one class only")
    from kb.cli.training import _fit

    m = _fit(xs, ys, [1.0] * len(ys), SENTENCE_FEATURES, 1.0)
    X = np.asarray(xs)
    lr = LogisticRegression(C=1.0, max_iter=5000).fit((X - np.asarray(m.mean)) / np.asarray(m.scale), ys)
    ours = [m.prob(dict(zip(SENTENCE_FEATURES, x))) for x in xs[:20]]
    assert ours == pytest.approx(lr.predict_proba((X[:20] - np.asarray(m.mean)) / np.asarray(m.scale))[:, 1], abs=1e-6)


def test_the_model_file_is_plain_json_a_person_can_read():
    d = json.loads(MODEL_FILE.read_text(encoding="utf-8"))
    assert set(d) == {"sentence", "answerable", "threshold", "meta"}
