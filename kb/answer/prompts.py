"""Prompt texts live in `prompts/{name}.toml` as data, checked when loaded.

A prompt file holds `name`, `description`, `variables`, and the `system` and
`user` templates in `str.format` syntax (`{question}`; a literal brace is `{{`).
Loading fails unless the templates use exactly the declared variables, so a
typo in a placeholder is caught at start-up rather than sent to a model.
"""

from __future__ import annotations

import string
import tomllib
from pathlib import Path

from pydantic import BaseModel, model_validator


def _fields(template: str) -> set[str]:
    """The placeholder names a `str.format` template uses; ValueError on a malformed or positional one."""
    names = set()
    for _, field, spec, _ in string.Formatter().parse(template):
        if field is None:
            continue
        if not field.isidentifier():
            raise ValueError(f"placeholder {{{field}}} must be a plain name")
        if spec and "{" in spec:
            raise ValueError(f"nested placeholder in {{{field}:{spec}}}")
        names.add(field)
    return names


class Prompt(BaseModel, extra="forbid"):
    """One prompt: a system and a user template over declared variables."""

    name: str
    description: str
    variables: list[str]
    system: str
    user: str

    @model_validator(mode="after")
    def _uses_exactly_its_variables(self) -> Prompt:
        used = _fields(self.system) | _fields(self.user)
        declared = set(self.variables)
        if used != declared:
            raise ValueError(f"prompt {self.name!r}: templates use {sorted(used)} but declare {sorted(declared)}")
        return self

    def render(self, **values: object) -> tuple[str, str]:
        """The (system, user) texts; KeyError on a missing variable, ValueError on an unknown one."""
        missing = [v for v in self.variables if v not in values]
        if missing:
            raise KeyError(f"prompt {self.name!r} needs {missing}")
        unknown = sorted(set(values) - set(self.variables))
        if unknown:
            raise ValueError(f"prompt {self.name!r} has no variables {unknown}")
        # TOML multi-line strings end in a newline; the template, not the values, is trimmed.
        return self.system.strip().format(**values), self.user.strip().format(**values)


def load_prompt(prompts_dir: Path, name: str) -> Prompt:
    """The prompt in `prompts_dir/{name}.toml`, validated."""
    path = Path(prompts_dir) / f"{name}.toml"
    with path.open("rb") as f:
        prompt = Prompt.model_validate(tomllib.load(f))
    if prompt.name != name:
        raise ValueError(f"{path}: name = {prompt.name!r} does not match the file name")
    return prompt


def load_all(prompts_dir: Path) -> dict[str, Prompt]:
    """Every prompt in `prompts_dir`, by name."""
    return {p.stem: load_prompt(prompts_dir, p.stem) for p in sorted(Path(prompts_dir).glob("*.toml"))}
