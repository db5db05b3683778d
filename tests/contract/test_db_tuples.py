"""``Db.query_tuples`` (the kb vocabulary's read at every process start): the same rows as
``query``, as plain tuples in SELECT order, on both stores; failures are typed like every call."""

import pytest

from hotline_tui.errors import StoreUnavailable


def test_query_tuples_gives_the_rows_of_query_as_tuples_in_select_order(store):
    db = store.db
    db.execute("CREATE TABLE tuple_probe (term TEXT, n INTEGER, py TEXT)")
    db.executemany("INSERT INTO tuple_probe (term, n, py) VALUES (?, ?, ?)",
                   [("社保", 3, "she bao"), ("app", 1, ""), ("x'y", 2, None)])
    sql = "SELECT py, term, n FROM tuple_probe WHERE n > :lo ORDER BY n"
    rows = db.query_tuples(sql, {"lo": 0})
    assert rows == [("", "app", 1), (None, "x'y", 2), ("she bao", "社保", 3)]
    assert all(type(r) is tuple for r in rows)
    assert rows == [tuple(r.values()) for r in db.query(sql, {"lo": 0})]
    assert db.query_tuples(sql, {"lo": 5}) == []
    assert db.query("SELECT COUNT(*) AS c FROM tuple_probe") == [{"c": 3}]   # dict rows as before


def test_query_tuples_on_a_closed_store_raises_store_unavailable(store):
    store.close()
    with pytest.raises(StoreUnavailable) as caught:
        store.db.query_tuples("SELECT 1")
    assert store.describe in str(caught.value) and caught.value.__cause__ is not None
