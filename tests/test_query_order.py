"""Rows sorted in Python by a query's ORDER BY keys (query/order.py) come out in the order
Oxigraph's own ORDER BY gives, for the kinds of terms the saved queries sort on."""

from __future__ import annotations

import pyoxigraph
import pytest

from meihao_kg.query.order import sort_terms, split_order_by, term_key

DATA = """
@prefix ex: <http://example.org/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
ex:a ex:name "沈阳"@zh ; ex:n 3 ; ex:d "2019-05-01"^^xsd:date ; ex:v 12.5 .
ex:b ex:name "大连"@zh ; ex:n 10 ; ex:d "2019"^^xsd:gYear ; ex:v 3 .
ex:c ex:name "大连"@zh ; ex:d "2018-11-02"^^xsd:date ; ex:v 0.25 .
ex:d ex:name "Anshan" ; ex:n 2 ; ex:v "1.5E1"^^xsd:double .
ex:e ex:name "anshan" ; ex:n 2 ; ex:other ex:b .
ex:f ex:n -1 ; ex:other _:x .
ex:g ex:name "沈阳市"@zh ; ex:other ex:a ; ex:v 12.5 .
"""

SELECT = "PREFIX ex: <http://example.org/> SELECT ?s ?name ?n ?d ?v ?other WHERE { ?s ?p ?any . " \
         "OPTIONAL { ?s ex:name ?name } OPTIONAL { ?s ex:n ?n } OPTIONAL { ?s ex:d ?d } " \
         "OPTIONAL { ?s ex:v ?v } OPTIONAL { ?s ex:other ?other } } GROUP BY ?s ?name ?n ?d ?v ?other\n"


@pytest.fixture(scope="module")
def store() -> pyoxigraph.Store:
    st = pyoxigraph.Store()
    st.load(DATA.encode(), format=pyoxigraph.RdfFormat.TURTLE)
    return st


@pytest.mark.parametrize("order", [
    "ORDER BY ?name ?s",
    "ORDER BY ?n ?name ?s",
    "ORDER BY DESC(?n) ?s",
    "ORDER BY ?v ?s",
    "ORDER BY DESC(?v) DESC(?s)",
    "ORDER BY STR(?d) ?s",
    "ORDER BY ?other ?s",
    "ORDER BY ASC(?name) DESC(?n) ?s",
])
def test_python_sort_gives_the_store_order(store: pyoxigraph.Store, order: str) -> None:
    text = SELECT + order
    split = split_order_by(text)
    assert split is not None and "ORDER" not in split.text.upper()
    names = ("s", "name", "n", "d", "v", "other")
    expected = [tuple(str(s[v]) for v in names) for s in store.query(text)]
    # the rows read once into tuples of terms (what run_query sorts)
    rows = [tuple(s[v] for v in names) for s in store.query(split.text)]
    got = sort_terms(rows, [(names.index(k.var), k) for k in split.keys])
    assert [tuple(str(t) for t in row) for row in got] == expected


@pytest.mark.parametrize("order", ["ORDER BY ?n", "ORDER BY DESC(?n)", "ORDER BY DESC(?name) ?n", "ORDER BY ?name DESC(?v)"])
def test_rows_with_equal_keys_keep_their_order(store: pyoxigraph.Store, order: str) -> None:
    """Rows whose keys are equal stay in the order the store gave them (a stable sort), in
    one direction (one pass on the keys' tuple) or mixed (one pass a key)."""
    split = split_order_by(SELECT + order)
    assert split is not None
    names = ("s", "name", "n", "d", "v", "other")
    rows = [tuple(s[v] for v in names) for s in store.query(split.text)]
    for given in (rows, rows[::-1]):
        got = sort_terms(given, [(names.index(k.var), k) for k in split.keys])
        expected = list(given)
        for k in reversed(split.keys):  # one stable sort a key, the last first
            expected.sort(key=lambda r, k=k: term_key(r[names.index(k.var)], as_string=k.as_string),
                          reverse=k.descending)
        assert got == expected


@pytest.mark.parametrize("text", [
    "SELECT ?s WHERE { ?s ?p ?o } ORDER BY ?o",  # ?o is not projected
    "SELECT ?s WHERE { ?s ?p ?o } ORDER BY ?s LIMIT 3",
    "SELECT ?s (MIN(?o) AS ?m) WHERE { ?s ?p ?o } GROUP BY ?s ORDER BY MIN(?o)",
    "SELECT ?s WHERE { ?s ?p ?o } ORDER BY STRLEN(STR(?s))",
    "SELECT * WHERE { ?s ?p ?o } ORDER BY ?s",
    "SELECT ?s WHERE { { SELECT ?s WHERE { ?s ?p ?o } ORDER BY ?s } }",
])
def test_other_orders_are_left_to_the_store(text: str) -> None:
    assert split_order_by(text) is None


def test_aggregates_and_comments_are_read_right() -> None:
    text = ('SELECT ?t (COUNT(?x) AS ?k) WHERE { ?t ?p ?x # ORDER BY ?nothing }\n'
            '} GROUP BY ?t ORDER BY DESC(?k) ?t')
    split = split_order_by(text)
    assert split is not None
    assert [(k.var, k.descending) for k in split.keys] == [("k", True), ("t", False)]
