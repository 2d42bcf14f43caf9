"""Growable numpy columns and string vocabularies: the storage under the index's tables.

A ``Column`` is a numpy array with spare capacity (doubling), so appending one row is
amortised O(1) and ``view()`` hands out the live prefix without copying. A ``Vocab`` maps
strings (skill ids, patterns, registration bodies) to small dense integers, growing as new
strings arrive; codes are never reused, so arrays holding codes stay valid.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Generic, TypeVar

import numpy as np
import numpy.typing as npt

ScalarT = TypeVar("ScalarT", bound=np.generic)

_MIN_CAPACITY = 64


class Column(Generic[ScalarT]):
    """A 1-D numpy array that grows by doubling; ``view()`` is the filled prefix."""

    __slots__ = ("_data", "_size")

    def __init__(self, dtype: type[ScalarT], initial: npt.ArrayLike | None = None) -> None:
        values = np.asarray(initial if initial is not None else [], dtype=dtype)
        capacity = max(_MIN_CAPACITY, values.size)
        self._data: npt.NDArray[ScalarT] = np.empty(capacity, dtype=dtype)
        self._data[: values.size] = values
        self._size = int(values.size)

    def __len__(self) -> int:
        return self._size

    def _reserve(self, extra: int) -> None:
        needed = self._size + extra
        if needed <= self._data.size:
            return
        capacity = max(needed, self._data.size * 2)
        grown = np.empty(capacity, dtype=self._data.dtype)
        grown[: self._size] = self._data[: self._size]
        self._data = grown

    def append(self, value: Any) -> None:
        """Add one value at the end."""
        self._reserve(1)
        self._data[self._size] = value
        self._size += 1

    def extend(self, values: npt.ArrayLike) -> None:
        """Add many values at the end."""
        array = np.asarray(values, dtype=self._data.dtype)
        self._reserve(array.size)
        self._data[self._size : self._size + array.size] = array
        self._size += int(array.size)

    def view(self) -> npt.NDArray[ScalarT]:
        """The filled prefix (a view: do not keep it across appends)."""
        return self._data[: self._size]

    def replace(self, values: npt.ArrayLike) -> None:
        """Replace the whole content (used by compaction)."""
        array = np.asarray(values, dtype=self._data.dtype)
        self._data = np.empty(max(_MIN_CAPACITY, array.size), dtype=self._data.dtype)
        self._data[: array.size] = array
        self._size = int(array.size)

    @property
    def nbytes(self) -> int:
        """Bytes held, spare capacity included."""
        return int(self._data.nbytes)


class Vocab:
    """Strings to dense integer codes, starting at ``first_code``."""

    __slots__ = ("_codes", "_names", "first_code")

    def __init__(self, first_code: int = 0, names: Iterable[str] = ()) -> None:
        self.first_code = first_code
        self._codes: dict[str, int] = {}
        self._names: list[str] = []
        for name in names:
            self.code(name)

    def __len__(self) -> int:
        return len(self._names)

    def code(self, name: str) -> int:
        """The code for ``name``, adding it if new."""
        found = self._codes.get(name)
        if found is None:
            found = self.first_code + len(self._names)
            self._codes[name] = found
            self._names.append(name)
        return found

    def get(self, name: str) -> int | None:
        """The code for ``name`` if it is known."""
        return self._codes.get(name)

    def name(self, code: int) -> str:
        """The string behind ``code``."""
        return self._names[code - self.first_code]

    @property
    def size(self) -> int:
        """One past the largest code handed out."""
        return self.first_code + len(self._names)
