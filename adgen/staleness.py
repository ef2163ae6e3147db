"""The staleness check a generated file runs when it is imported.

A file ``adgen compile`` wrote names its model and the model's hash in its
header and calls ``warn_if_stale`` (imported from ``adgen.runtime``): edit the
model without compiling again and importing the gradients warns, naming the
command that refreshes them.  A stand-alone file has no such check.
"""

from __future__ import annotations

import hashlib
import warnings
from pathlib import Path


class StaleGeneratedWarning(UserWarning):
    """A generated gradient file was written from an older version of its model."""


def warn_if_stale(
    generated_file: str, source: str, source_hash: str, command: str
) -> None:
    """Warn (once, at import) if the model file next to a generated file has changed.

    ``source`` is the model's path relative to the generated file's folder; where
    the model is not there (the generated file was copied elsewhere), nothing is said.
    """
    path = Path(generated_file).parent / source
    try:
        text = path.read_bytes().decode("utf-8")
    except (OSError, UnicodeDecodeError):
        return
    if hashlib.sha256(text.encode()).hexdigest()[:16] != source_hash:
        message = f"{generated_file} is stale: {path} changed since it was generated; refresh it with `{command}`"
        warnings.warn(message, StaleGeneratedWarning, stacklevel=2)
