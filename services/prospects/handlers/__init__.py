"""The prospects use cases: each takes a command or an event and the unit of work.

``capture`` (batches of leads), ``profile`` (one profile: read, status,
owner, conversion), ``followup`` (interactions and tasks), ``merging`` (merge
and unmerge), ``duplicates`` (the review list), ``search`` (finding
prospects) and ``customers`` (what the customers service announces); all
change a profile through ``changes`` (read, change, save under its version).
"""
