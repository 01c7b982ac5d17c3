"""Build hook for the one compiled module, ``declutter._walk`` (all other metadata is in pyproject.toml).

The module is optional: without a C compiler the build goes on without it and ``declutter.segment_html``
uses the same walk in pure Python (slower, same output).
"""

from __future__ import annotations

import lxml
from Cython.Build import cythonize
from setuptools import Extension, setup

setup(
    ext_modules=cythonize(
        [Extension("declutter._walk", ["declutter/_walk.pyx"], include_dirs=lxml.get_include(),
                   optional=True)],
        language_level=3,
    ),
)
