"""Query budgets at two data sizes (issue 8, point 7): a list endpoint must answer in the
same, small number of SQL statements whether it lists a few rows or many, so an N+1 (a
query per row) fails the test instead of slowing production.

Usage in any app's tests::

    from tests.budgets import assert_query_budget

    def test_my_list_budget(db, api, supervisor):
        assert_query_budget(
            api(supervisor), "/api/v1/my/things/",
            grow=lambda n: ThingFactory.create_batch(n),
            budget=4,
        )

``grow(n)`` adds ``n`` more rows the endpoint lists (it is called for the small size, the
request is measured, then it is called again to reach the large size). The helper asserts
both answers are 200, that the large one lists more rows (so growth really happened), that
the counts are equal and at most ``budget``.
"""

from collections.abc import Callable

from django.db import connection
from django.test.utils import CaptureQueriesContext


def count_queries(client, url: str, params: dict | None = None) -> tuple[int, int, list[str]]:
    """(statements, rows listed, the SQL) for one GET of ``url``."""
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params or {})
    assert response.status_code == 200, response.content[:500]
    body = response.json()
    rows = len(body["results"]) if isinstance(body, dict) and "results" in body else len(body)
    return len(ctx.captured_queries), rows, [q["sql"] for q in ctx.captured_queries]


def assert_query_budget(
    client,
    url: str,
    *,
    grow: Callable[[int], object],
    budget: int,
    small: int = 3,
    large: int = 30,
    params: dict | None = None,
) -> tuple[int, int]:
    """Assert ``url`` costs the same statements at ``small`` and ``large`` rows, within
    ``budget``; returns (statements, statements)."""
    grow(small)
    few, few_rows, _sql = count_queries(client, url, params)
    grow(large - small)
    many, many_rows, sql = count_queries(client, url, params)
    assert many_rows > few_rows, (
        f"the endpoint lists {many_rows} rows after growing: grow() adds none it shows"
    )
    assert few == many, f"{few} statements for {few_rows} rows but {many} for {many_rows}:\n" + "\n".join(sql)
    assert many <= budget, f"{many} statements, budget {budget}:\n" + "\n".join(sql)
    return few, many
