"""People keep their identity: one IRI per person as printed in a work, whatever the script.

Names in Chinese, Cyrillic, Greek, Arabic and accented Latin (several per paper) must each be one
person (never merged into ``person:x``, never split into "organisations"), and must come back
unchanged from every export and from the HTML. A misprinted author list (the essay's
"Repper & Carter 2023", really Egmose et al.) must not share people with the real 2011 paper.
"""

from __future__ import annotations

import html
import json
import shutil
from pathlib import Path

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import DCTERMS, FOAF, OWL, RDF

from peergraph.cli import main
from peergraph.iris import PERSON

ROOT = Path(__file__).resolve().parents[1]
ESSAY = "sources/000_97aa45ef93b773ce.txt"

# (reference line, the names as the graph must give them, in author order)
REFERENCES = [
    (
        "王, 小明, 汪, 伟, & 王, 伟. (2020). Peer support in Chinese psychiatric hospitals. "
        "Chinese Journal of Psychiatry, 53(2), 101–110.",
        ["王, 小明", "汪, 伟", "王, 伟"],
    ),
    (
        "Иванов, И. И., Петров, П. П., & Сидорова, А. (2019). Peer workers in community "
        "services. Journal of Community Mental Health, 28(4), 11–19.",
        ["Иванов, И. И.", "Петров, П. П.", "Сидорова, А."],
    ),
    (
        "Παπαδόπουλος, Γ., Νικολάου, Ε., & Γεωργίου, Μ. (2018). Peer support in Greece. "
        "Psychiatriki, 29(3), 200–210.",
        ["Παπαδόπουλος, Γ.", "Νικολάου, Ε.", "Γεωργίου, Μ."],
    ),
    (
        "الأحمد, م., & العلي, س. (2021). Peer support in Arab mental health services. "
        "Eastern Mediterranean Health Journal, 27(5), 500–508.",
        ["الأحمد, م.", "العلي, س."],
    ),
    (
        "Müller, J., Muller, J., & Šimić-van Os, Ø. (2022). Peer support across Europe. "
        "European Psychiatry, 65(1), 12–20.",
        ["Müller, J.", "Muller, J.", "Šimić-van Os, Ø."],
    ),
]
EXPORTS = {
    "peergraph.ttl": "turtle",
    "peergraph.nt": "nt",
    "peergraph.jsonld": "json-ld",
    "peergraph.owl": "xml",
}


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("people")
    data = root / "data"
    shutil.copytree(ROOT / "data", data)
    essay = data / ESSAY
    text = essay.read_text(encoding="utf-8").rstrip("\n")
    essay.write_text(text + "\n" + "\n".join(line for line, _ in REFERENCES) + "\n", "utf-8")
    out = root / "out"
    assert main(["build", "--data", str(data), "--out", str(out), "--quiet"]) == 0
    return out


def _authors_by_title(graph: Graph, word: str) -> list[URIRef]:
    """The person IRIs of the paper whose title contains ``word``, in authorship order."""
    from peergraph.iris import PG

    titles = graph.subject_objects(DCTERMS.title)
    (paper,) = [p for p, t in titles if word in str(t) and (p, RDF.type, PG.Paper) in graph]
    links = sorted(
        graph.objects(paper, PG.authorship), key=lambda a: int(graph.value(a, PG.position))
    )
    return [graph.value(link, PG.author) for link in links]


@pytest.mark.parametrize("name", sorted(EXPORTS))
def test_every_name_round_trips_through_every_export(built, name):
    graph = Graph().parse(built / name, format=EXPORTS[name])
    names = {str(o) for o in graph.objects(None, FOAF.name)}
    for _, expected in REFERENCES:
        assert set(expected) <= names


@pytest.mark.parametrize(
    ("title_word", "index"),
    [("Chinese psych", 0), ("Peer workers in", 1), ("Greece", 2), ("Arab", 3), ("across Eu", 4)],
)
def test_each_printed_author_is_one_distinct_person(built, title_word, index):
    graph = Graph().parse(built / "peergraph.nt", format="nt")
    people = _authors_by_title(graph, title_word)
    expected = REFERENCES[index][1]
    assert [str(graph.value(p, FOAF.name)) for p in people] == expected
    assert len(set(people)) == len(expected)  # 王伟 / 汪伟 and Müller / Muller stay apart
    for person in people:
        assert (person, RDF.type, FOAF.Person) in graph
        assert (person, RDF.type, FOAF.Organization) not in graph
        assert person != PERSON["x"] and not str(person).endswith("/person/x")


def test_person_iris_are_transliterated_and_readable(built):
    graph = Graph().parse(built / "peergraph.nt", format="nt")
    people = [str(p).removeprefix(str(PERSON)) for p in _authors_by_title(graph, "Peer workers in")]
    assert [p.rsplit("-", 1)[0] for p in people] == [
        "ivanov2019-ivanov-i-i",
        "ivanov2019-petrov-p-p",
        "ivanov2019-sidorova-a",
    ]


def test_names_in_every_script_appear_unchanged_in_the_html(built):
    page = (built / "peergraph.html").read_text(encoding="utf-8")
    decoded = html.unescape(page)
    for _, expected in REFERENCES:
        for name in expected:
            as_json = json.dumps(name)[1:-1]  # names inside the page's JSON data
            assert name in decoded or as_json in page, name


def test_papers_by_repper_are_only_the_works_repper_wrote(graph):
    """The printed "Repper & Carter (2023)" is Egmose et al.'s meta-analysis (audit: wrong
    authors): its printed people are not the real Repper and Carter. Starting from Repper as the
    audit found him (the published 2011 record), only the 2011 works are his."""
    from peergraph.iris import PGD

    record = PGD["record/repper2011"]
    creators = graph.objects(record, DCTERMS.creator)
    (repper,) = [p for p in creators if str(graph.value(p, FOAF.familyName)) == "Repper"]
    same = (
        {repper} | set(graph.subjects(OWL.sameAs, repper)) | set(graph.objects(repper, OWL.sameAs))
    )
    works = {w for p in same for w in graph.subjects(DCTERMS.creator, p)}
    assert works == {URIRef("https://doi.org/10.3109/09638237.2011.583947"), record}
    printed_2023 = URIRef("https://doi.org/10.1176/appi.ps.202100138")
    creators_2023 = set(graph.objects(printed_2023, DCTERMS.creator))
    assert {str(graph.value(p, FOAF.name)) for p in creators_2023} == {"Repper, J.", "Carter, T."}
    assert not creators_2023 & same
    assert not any((p, OWL.sameAs, None) in graph for p in creators_2023)


@pytest.mark.parametrize(
    ("authors", "expected", "key"),
    [
        ("王, 小明, & 李, 华.", [("王", "小明"), ("李", "华")], "wang2020"),
        ("王小明, & 李华", [("王小明", ""), ("李华", "")], "wangxiaoming2020"),
        (
            "Zhang, W., 王小明, & Li, N.",
            [("Zhang", "W."), ("王小明", ""), ("Li", "N.")],
            "zhang2020",
        ),
        ("田中, 太郎, & 김, 민준.", [("田中", "太郎"), ("김", "민준")], "tianzhong2020"),
        ("الأحمد, م., & العلي, س.", [("الأحمد", "م."), ("العلي", "س.")], "lhmd2020"),
        ("Иванов, И. И., & Петров, П.", [("Иванов", "И. И."), ("Петров", "П.")], "ivanov2020"),
    ],
)
def test_author_lists_in_any_script_are_people(authors, expected, key):
    from peergraph.text.references import parse_reference

    ref = parse_reference(f"{authors} (2020). A title. Journal of X, 1(2), 3–4.")
    assert [(a.family, a.given) for a in ref.authors] == expected
    assert not any(a.corporate for a in ref.authors)
    assert ref.key == key


def test_a_lone_name_without_initials_stays_a_corporate_author():
    from peergraph.text.references import parse_reference

    ref = parse_reference("世界卫生组织. (2018). A title. Journal of X, 1(2), 3–4.")
    assert [(a.family, a.corporate) for a in ref.authors] == [("世界卫生组织", True)]
