"""What pyproject.toml cannot yet say without an experimental setting: the optional C loop of the
search index's words (reader/core/store/_index_words.c). Optional: without a C compiler the
build goes on and search.py uses charmap_encode, which gives the same bytes."""

from setuptools import Extension, setup

setup(
    ext_modules=[
        Extension(
            "reader.core.store._index_words",
            ["reader/core/store/_index_words.c"],
            optional=True,
        )
    ]
)
