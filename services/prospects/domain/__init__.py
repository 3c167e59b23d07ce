"""The prospects domain in plain Python, no I/O.

``normalise`` (a source's row into a clean lead), ``matching`` (who is the same
person), ``scoring`` (completeness and qualification), ``profiles`` (a profile
as data), ``batch`` (resolving a batch of leads in memory), ``rows`` (a captured
row's fingerprint), ``status`` (the pipeline's status machine and
interactions), ``review`` (possible duplicates), ``search`` (what a search
asks for) and ``commands`` (what the service is asked to do).
"""
