"""Templates as a product: lint a Word template, check its file, render uploaded templates in an isolated process,
store uploaded templates and their immutable versions.

    lint.py       `lint_docx(data, model=…, schema=…) -> LintReport`: every problem with its place and stable code
    container.py  the file itself: ZIP limits, macros, external relationships (`check_container`)
    schema.py     a JSON Schema inferred from a template's variables, sample data from a schema, payload checks
    sandbox.py    `render_isolated(...)`: a child process with CPU, memory, wall-clock and output limits
    store.py      uploaded templates and versions: files under the data directory, metadata in the job database
    errors.py     the errors of this package
"""
