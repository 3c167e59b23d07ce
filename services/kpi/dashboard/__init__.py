"""The kpi dashboard: the indicators as charts per section, filtered, with downloads.

``view`` shapes a report into what the page shows (plain Python), ``charts``
draws it with plotly, ``page`` renders the HTML and the downloads, ``web`` is
the HTTP server kpi serves them on (setting ``dashboard_address``).
"""
