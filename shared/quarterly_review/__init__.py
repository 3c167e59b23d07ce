"""The quarterly management-review report: its model, built from explicit inputs, and its
rendering to HTML (a Jinja2 template) and PDF (WeasyPrint)."""
