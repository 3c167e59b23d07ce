"""prospects: capture leads from every source, one profile per person, conversion."""
