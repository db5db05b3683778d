"""The knowledge-base CLI end to end on a real SQLite file: JSON, highlights, errors, files."""

import json

import pytest
from click.testing import CliRunner

from hotline import cli
from hotline_tui.kb.sample import SAMPLE


@pytest.fixture
def run(tmp_path):
    db = str(tmp_path / "cli.db")
    runner = CliRunner()

    def go(*args):
        return runner.invoke(cli, ["--db", db, *args], catch_exceptions=False)
    assert go("db", "migrate").exit_code == 0
    src = tmp_path / "sample.json"
    src.write_text(json.dumps(SAMPLE, ensure_ascii=False), encoding="utf-8")
    r = go("kb", "import", str(src), "--publish", "--as", "editor")
    assert r.exit_code == 0 and "added 25" in r.output, r.output
    return go


def test_search_json_has_rank_id_title_score_snippet_highlights(run):
    r = run("kb", "search", "shebaoka", "--limit", "3", "--json", "--as", "agent1001")
    assert r.exit_code == 0, r.output
    hits = json.loads(r.output)
    assert [h["rank"] for h in hits] == [1, 2, 3] and hits[0]["title"] == "社保卡丢失如何补办"
    top = hits[0]
    assert {"id", "score", "snippet", "highlights"} <= set(top)
    assert [top["snippet"][a:b] for a, b in top["highlights"]][0] in ("社保卡", "社保")
    text = run("kb", "search", "社保卡", "--limit", "1", "--as", "agent1001").output
    assert "社保卡丢失如何补办" in text and "\x1b" not in text


def test_edit_publish_history_and_conflict(run):
    r = run("kb", "add", "--title", "养犬登记", "--body", "到派出所办理。", "--tags", "养犬 登记", "--json", "--as", "editor")
    a = json.loads(r.output)
    assert a["status"] == "draft" and a["tags"] == ["养犬", "登记"]
    assert run("kb", "edit", str(a["id"]), "--body", "到辖区派出所办理。", "--expect-version", "1", "--as", "editor").exit_code == 0
    r = run("kb", "edit", str(a["id"]), "--body", "旧", "--expect-version", "1", "--as", "editor")
    assert r.exit_code == 5 and r.output.count("\n") == 1 and "edit conflict" in r.output
    assert run("kb", "publish", str(a["id"]), "--as", "editor").exit_code == 0
    r = run("kb", "publish", str(a["id"]), "--as", "editor")
    assert r.exit_code == 4 and "illegal transition" in r.output
    r = run("kb", "edit", str(a["id"]), "--title", "x", "--as", "agent1001")
    assert r.exit_code == 3 and "permission denied" in r.output
    hist = json.loads(run("kb", "history", str(a["id"]), "--json", "--as", "editor").output)
    assert [v["action"] for v in hist] == ["add", "edit", "publish"]
    shown = json.loads(run("kb", "show", str(a["id"]), "--json", "--as", "agent1001").output)
    assert shown["body"] == "到辖区派出所办理。"


def test_unanswered_flag_and_answer(run):
    assert run("kb", "search", "宠物狗办证", "--as", "agent1001").output.startswith("no article found")
    assert run("kb", "flag", "外籍人员怎么办居住证", "--as", "agent1001").exit_code == 0
    rows = json.loads(run("kb", "unanswered", "--json", "--as", "editor").output)
    assert [(q["text"], q["source"]) for q in rows] == [("外籍人员怎么办居住证", "flag"), ("宠物狗办证", "search")]
    assert run("kb", "answer", str(rows[1]["id"]), "25", "--as", "editor").exit_code == 0
    assert len(json.loads(run("kb", "unanswered", "--json", "--as", "editor").output)) == 1


@pytest.mark.parametrize("name", ["kb.json", "kb.csv", "mdfolder"])
def test_export_then_import_updates(run, tmp_path, name):
    out = tmp_path / name
    r = run("kb", "export", str(out), "--as", "editor")
    assert r.exit_code == 0 and "exported 25" in r.output
    r = run("kb", "import", str(out), "--json", "--as", "editor")
    # nothing changed since the export: importing it writes nothing (no new versions)
    assert json.loads(r.output) == {"added": 0, "updated": 0, "unchanged": 25}


def test_malformed_import_is_one_line_and_imports_nothing(run, tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text('[{"title": "a", "body": "b"}, {"title": "c"}]', encoding="utf-8")
    r = run("kb", "import", str(bad), "--as", "editor")
    assert r.exit_code == 2 and r.output.strip() == "error: bad.json[2]: body: is required"
    assert "c" not in [h["title"] for h in json.loads(run("kb", "search", "a", "--json", "--drafts", "--as", "editor").output)]


def test_reindex_rebuilds_the_index_and_needs_kb_edit(run):
    before = run("kb", "search", "社保卡", "--limit", "3", "--json", "--as", "agent1001").output
    r = run("kb", "reindex", "--as", "agent1001")
    assert r.exit_code == 3 and "permission denied" in r.output
    r = run("kb", "reindex", "--json", "--as", "editor")
    assert r.exit_code == 0 and json.loads(r.output) == {"articles": 25}
    assert run("kb", "search", "社保卡", "--limit", "3", "--json", "--as", "agent1001").output == before


def test_similar_questions_from_the_cli(run):
    """`kb question` adds a way people ask; `kb answer --as-question` keeps a 查无 question's
    words on the article it was answered by; `kb show` lists them; agents may not add them."""
    assert run("kb", "question", "25", "老人坐车不要钱那个卡", "--as", "agent1001").exit_code == 3
    r = run("kb", "question", "25", "老人坐车不要钱那个卡", "--json", "--as", "editor")
    assert r.exit_code == 0 and json.loads(r.output)["questions"] == ["老人坐车不要钱那个卡"]
    assert run("kb", "flag", "办个啥证能白坐公交", "--as", "agent1001").exit_code == 0
    qid = json.loads(run("kb", "unanswered", "--json", "--as", "editor").output)[0]["id"]
    r = run("kb", "answer", str(qid), "25", "--as-question", "--as", "editor")
    assert r.exit_code == 0 and "kept as a similar question" in r.output
    shown = run("kb", "show", "25", "--as", "editor").output
    assert "asked as: 老人坐车不要钱那个卡" in shown and "办个啥证能白坐公交" in shown


def test_importing_outside_ids_twice_changes_nothing(run, tmp_path):
    src = tmp_path / "outside.json"
    src.write_text(json.dumps([{"id": "KB-2023-017", "title": "外来文章", "body": "正文",
                                "department": "市人力资源和社会保障局"}], ensure_ascii=False), encoding="utf-8")
    first = json.loads(run("kb", "import", str(src), "--json", "--as", "editor").output)
    again = run("kb", "import", str(src), "--as", "editor")
    assert first == {"added": 1, "updated": 0, "unchanged": 0}
    assert again.exit_code == 0 and again.output.strip() == "added 0, updated 0, unchanged 1"


def test_suggestions_list_and_refusals(run):
    assert json.loads(run("kb", "suggestions", "--json", "--as", "editor").output) == []
    assert run("kb", "suggestions", "--as", "agent1001").exit_code == 3
    r = run("kb", "accept", "99", "--as", "editor")
    assert r.exit_code != 0 and r.output.strip() == "error: no suggestion 99"
