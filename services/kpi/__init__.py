"""kpi: indicators computed from the other services' events, per period."""
