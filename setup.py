"""Build hook for the compiled modules (all other metadata is in pyproject.toml).

``declutter._walk`` (the segmenter's walk over lxml's C nodes), ``declutter._trees`` (tree ensemble
scores) and ``declutter._features`` (per-block arrays of the HTML features) are optional: without a C
compiler the build goes on without them, and declutter runs their pure-Python twins (slower, same output).
"""

from __future__ import annotations

import lxml
from Cython.Build import cythonize
from setuptools import Extension, setup

setup(
    ext_modules=cythonize(
        [
            Extension("declutter._walk", ["declutter/_walk.pyx"], include_dirs=lxml.get_include(),
                      optional=True),
            Extension("declutter._trees", ["declutter/_trees.pyx"], optional=True),
            Extension("declutter._features", ["declutter/_features.pyx"], optional=True),
        ],
        language_level=3,
    ),
)
