"""kpi: indicators computed from the other services' events, per period.

kpi only listens: it announces no events of its own, so it has no ``events``
module.
"""
