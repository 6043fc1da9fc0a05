"""One router per resource: health, templates, documents, validate, packages."""
