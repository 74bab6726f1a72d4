"""The 诉求办理 part of the Zhuzhou demo, loaded by :mod:`gongjian.demo.loader` after the base demo:
the category catalogue, then the seed's problems as cases, moved along the workflow through the
services at their own dates (some still open, some overdue, most closed and rated)."""

from gongjian.cases import demo_data
from gongjian.cases.models import Category
from gongjian.cases.services import category_save
from gongjian.demo.loader import DemoContext


def load_categories(ctx: DemoContext) -> dict[str, Category]:
    """The catalogue (部件 and 事件), each with its default unit or the community's paired unit."""
    out: dict[str, Category] = {}
    for order, row in enumerate(demo_data.CATEGORIES, start=1):
        unit = None if row.unit in ("", demo_data.PAIRED) else ctx.units[row.unit]
        out[row.code] = category_save(
            code=row.code,
            name=row.name,
            klass=row.klass,
            group=row.group,
            description=row.description,
            keywords=row.keywords,
            is_public=row.public,
            default_unit=unit,
            use_paired_unit=row.unit == demo_data.PAIRED,
            hours_urgent=row.hours[0],
            hours_high=row.hours[1],
            hours_normal=row.hours[2],
            order=order * 10,
        )
    return out


def load(ctx: DemoContext) -> None:
    categories = load_categories(ctx)
    from gongjian.cases.demo_cases import load_cases

    cases = load_cases(ctx, categories)
    ctx.summary.extra["cases"] = f"{len(categories)} categories, {cases} cases"
