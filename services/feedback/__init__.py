"""feedback: surveys (NPS first), through pluggable channels."""
