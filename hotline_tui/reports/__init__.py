"""Reports built on the record (issue 16): the shift handover (交接班) and call loss (呼损).

``period`` cuts shifts and periods from ``kpi.yaml``; ``call_loss``, ``handover``,
``queue_interval`` (with Erlang staffing) and ``agents`` (agent workload and states) compute
(every call figure through ``hotline_tui.kpi``, every ticket figure through
``hotline_tui.tickets.figures``); ``render`` writes md / json / csv / html; ``ports`` is the
store port of the handover sign-offs. The txt form (a Rich table and bar chart) is drawn by
``hotline_tui.cli.report_txt``: outside ``cli`` the core imports no Rich.
"""
