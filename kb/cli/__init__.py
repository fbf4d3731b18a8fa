"""The `python -m kb` commands (kb/__main__.py dispatches here): benchmarks, evaluation and training, doctor, workflows, API administration."""
