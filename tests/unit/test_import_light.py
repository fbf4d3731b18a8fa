import subprocess
import sys


def test_importing_kb_pulls_in_neither_gradio_nor_torch():
    code = (
        "import sys, kb, kb.service, kb.answer.retrieval, kb.answer.extractive, kb.settings, kb.factory, kb.types;"
        "bad=[m for m in ('gradio','torch','sentence_transformers','chromadb') if m in sys.modules];"
        "print(','.join(bad))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert out == ""


def test_kb_never_imports_gradio_in_its_source():
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parents[2] / "kb"
    gradio = re.compile(r"^\s*(?:import|from)\s+gradio(?:\s|\.|$)", re.MULTILINE)
    offenders = [p.name for p in root.rglob("*.py") if gradio.search(p.read_text())]
    assert offenders == []


def test_the_load_benchmark_client_does_not_load_gradio():
    code = "import sys, kb.cli.loadbench; print('gradio' in sys.modules or 'gradio_client' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert out == "False"
