# docgen HTTP service: `docker build -t docgen . && docker run -p 8000:8000 docgen` → http://localhost:8000/docs
#
# System packages and fonts come from the same script and list as `make` (system/install.sh reads
# system/packages.txt), and the venv is made the same way as the Makefile makes it, its dependencies from the
# lock. tests/test_dockerfile.py keeps the two in step.
FROM python:3.11-slim-bookworm

ENV DEBIAN_FRONTEND=noninteractive \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# LibreOffice, python3-uno, fonts (incl. Fandol) and the font-name mapping: the shared installer.
COPY system/ /opt/docgen/system/
RUN bash /opt/docgen/system/install.sh \
    && rm -rf /var/lib/apt/lists/* /var/cache/apt/archives/*.deb

# As the Makefile does: Debian's /usr/bin/python3 (not the image's /usr/local/bin/python) with its
# site-packages, so that LibreOffice's `uno` module is importable. Dependencies first, exactly as locked (hashes
# checked), in their own layer: a source change does not reinstall them.
WORKDIR /app
COPY requirements.lock /tmp/docgen/
RUN /usr/bin/python3 -m venv --system-site-packages /app/.venv \
    && /app/.venv/bin/python -m pip install -q --require-hashes -r /tmp/docgen/requirements.lock

# The project as a regular (not editable) install: the wheel carries the templates, schemas and samples, so the
# sources are deleted afterwards and the service runs from site-packages only.
COPY pyproject.toml setup.py README.md /tmp/docgen/src/
COPY service/ /tmp/docgen/src/service/
COPY word_templates/ /tmp/docgen/src/word_templates/
COPY payload_schemas/ /tmp/docgen/src/payload_schemas/
COPY samples/ /tmp/docgen/src/samples/
COPY system/fontconfig/ /tmp/docgen/src/system/fontconfig/
RUN /app/.venv/bin/python -m pip install -q --no-deps /tmp/docgen/src \
    && rm -rf /tmp/docgen \
    && /app/.venv/bin/python -c "import uno, service.api.app; from service.rendering.catalog import TEMPLATES_DIR as d; assert 'site-packages' in str(d) and any(d.glob('*.docx')), d"

# Never run as root: the service only writes its data directory (temporary files, LibreOffice profiles, batches).
RUN useradd --system --create-home --home-dir /home/docgen --uid 10001 --user-group docgen \
    && mkdir -p /app/data && chown docgen:docgen /app/data
USER docgen

ENV PATH=/app/.venv/bin:$PATH \
    DOCGEN_HOST=0.0.0.0 \
    DOCGEN_PORT=8000 \
    DOCGEN_DATA_DIR=/app/data

EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD ["/app/.venv/bin/python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/healthz' % os.environ.get('DOCGEN_PORT', '8000'), timeout=4)"]

CMD ["/app/.venv/bin/docgen", "serve", "--host", "0.0.0.0"]
