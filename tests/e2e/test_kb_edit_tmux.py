"""End to end: a knowledge editor in a real terminal (tmux, 80×24 like an SSH session): find an
article, add a similar question, edit it in the editor and save — and the next search in the
callers' words finds it (issue 22)."""

from __future__ import annotations

import sys

import pytest

from backends.store import open_store

from .test_console_tmux import ROOT, tmux, wait_for  # noqa: F401 - tmux is a fixture

pytestmark = pytest.mark.e2e


@pytest.mark.timeout(150)
def test_an_editor_adds_a_similar_question_and_edits_in_a_terminal(tmux, tmp_path):
    db = tmp_path / "hotline.db"
    env = f"HOTLINE_DB={db} HOTLINE_LANG=en LANG=C.UTF-8 TERM=xterm-256color"
    tmux("new-session", "-d", "-s", "hl", "-x", "80", "-y", "24",
         f"cd {ROOT} && env {env} {sys.executable} hotline.py console --as editor --screen knowledge --seed 5; "
         "echo CONSOLE EXITED $?; sleep 120")
    wait_for(tmux, lambda t: "Search the knowledge base" in t, timeout=60, what="the knowledge screen")
    tmux("send-keys", "-t", "hl", "流浪乞讨")
    wait_for(tmux, lambda t: "流浪乞讨人员救助" in t and "found" in t, timeout=20, what="the article found")
    tmux("send-keys", "-t", "hl", "Escape")
    # out of the search box: the footer offers the screen's keys (at 80 columns the first few and
    # "…? more", then q Quit — a key typed now is the screen's, not the search's)
    wait_for(tmux, lambda t: "q Quit" in t.splitlines()[-1], timeout=10, what="the search box let go")
    tmux("send-keys", "-t", "hl", "a")
    wait_for(tmux, lambda t: "A similar question for" in t, timeout=10, what="the question prompt")
    tmux("send-keys", "-t", "hl", "要饭的晚上睡在街上", "Enter")
    wait_for(tmux, lambda t: "Saved #" in t, timeout=15, what="the question saved")
    tmux("send-keys", "-t", "hl", "e")
    text = wait_for(tmux, lambda t: "Edit article #" in t and "要饭的晚上睡在街上" in t, timeout=15, what="the editor")
    assert "Similar questions (one per line)" in text
    tmux("send-keys", "-t", "hl", "C-s")
    wait_for(tmux, lambda t: "Edit article #" not in t and "Saved #" in t, timeout=15, what="the edit saved")
    tmux("send-keys", "-t", "hl", "/")
    tmux("send-keys", "-t", "hl", "C-u")
    tmux("send-keys", "-t", "hl", "要饭的在街上睡")
    wait_for(tmux, lambda t: any("流浪乞讨人员救助" in ln for ln in t.splitlines()[4:8]), timeout=20,
             what="the callers' words finding the article first")
    store = open_store(str(db))
    try:
        arts = [a for a in store.kb.all() if a.title == "流浪乞讨人员救助"]
        assert arts and arts[0].questions == ("要饭的晚上睡在街上",) and arts[0].version == 3
    finally:
        store.close()
