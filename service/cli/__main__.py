"""`python -m service.cli …` runs `docgen …` (e.g. `python -m service.cli serve --port 8001`)."""

from service.cli import main

main()
