"""customers: the customer record, purchases, classification and the 360-degree view."""
