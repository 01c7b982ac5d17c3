# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True
"""Tree ensemble scores in C (compiled; see ``model.TreeModel.raw``).

Each row follows each tree from its root to a leaf, reading the node arrays of the model file, and its leaf
values are summed in the order numpy's ``sum`` uses (pairwise, eight accumulators), so the scores have the
same bits as the numpy walk's.
"""

import numpy as np

from libc.math cimport isnan


cdef double _pairwise(const double* a, Py_ssize_t n) noexcept nogil:
    """numpy's ``pairwise_sum`` for float64 (``numpy/_core/src/umath/loops_utils.h.src``)."""
    cdef double res, r0, r1, r2, r3, r4, r5, r6, r7
    cdef Py_ssize_t i, n2
    if n < 8:
        res = 0.0
        for i in range(n):
            res += a[i]
        return res
    if n <= 128:
        r0 = a[0]; r1 = a[1]; r2 = a[2]; r3 = a[3]
        r4 = a[4]; r5 = a[5]; r6 = a[6]; r7 = a[7]
        i = 8
        while i < n - (n % 8):
            r0 += a[i]; r1 += a[i + 1]; r2 += a[i + 2]; r3 += a[i + 3]
            r4 += a[i + 4]; r5 += a[i + 5]; r6 += a[i + 6]; r7 += a[i + 7]
            i += 8
        res = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7))
        while i < n:
            res += a[i]
            i += 1
        return res
    n2 = n // 2
    n2 -= n2 % 8
    return _pairwise(a, n2) + _pairwise(a + n2, n - n2)


def raw_scores(const double[:, ::1] X, const int[::1] feature, const double[::1] threshold,
               const int[::1] left, const int[::1] right, const unsigned char[::1] default_left,
               const double[::1] value, const int[::1] roots, int depth, double base):
    """Raw scores of the rows of ``X``: ``base`` plus the sum of every tree's leaf value (tree order)."""
    cdef Py_ssize_t n = X.shape[0], n_trees = roots.shape[0], r, t
    cdef int node, step, f
    cdef double x
    out = np.empty(n)
    leaves = np.empty(n_trees)
    cdef double[::1] o = out
    cdef double[::1] v = leaves
    with nogil:
        for r in range(n):
            for t in range(n_trees):
                node = roots[t]
                step = 0
                while step < depth:
                    f = feature[node]
                    if f < 0:
                        break
                    x = X[r, f]
                    if isnan(x):
                        node = left[node] if default_left[node] else right[node]
                    else:
                        node = right[node] if x > threshold[node] else left[node]
                    step += 1
                v[t] = value[node]
            o[r] = _pairwise(&v[0], n_trees) + base
    return out
