"""The 诉求办理 part of the Zhuzhou demo, loaded by :mod:`gongjian.demo.loader` after the base demo."""

from gongjian.demo.loader import DemoContext


def load(ctx: DemoContext) -> None:
    """Nothing yet: this app's demo data is still to come."""
