"""Quality inspection (质检): scorecards, evaluations of a call and its ticket, sampling,
appeals and the QA figures (docs/qa.md)."""
