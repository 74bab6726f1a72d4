"""The seed's problems as demo cases (filled in by the next commit)."""

from typing import Any

from gongjian.demo.loader import DemoContext


def load_cases(ctx: DemoContext, categories: dict[str, Any]) -> int:
    return 0
