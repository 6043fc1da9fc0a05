"""Package list for setuptools; everything else is in pyproject.toml.

pyproject.toml's `packages.find` cannot add packages that live outside their parent's folder, and the wheel
must carry the built-in forms, schemas and samples, which stay at the repository root where people edit them.
Each is mapped to a package under service/_builtin/ (service.resources.resource_dir finds them there once
installed); pyproject.toml's package-data says which files each one takes.
"""

from setuptools import find_packages, setup

BUILTIN = {
    "service._builtin.word_templates": "word_templates",
    "service._builtin.payload_schemas": "payload_schemas",
    "service._builtin.samples": "samples",
    "service._builtin.fontconfig": "system/fontconfig",
}

setup(
    packages=[*find_packages(include=["service", "service.*"]), *BUILTIN],
    package_dir=BUILTIN,
)
