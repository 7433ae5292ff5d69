"""The names closest to a name, for "did you mean": exactly RapidFuzz's
``process.extract(key, names, scorer=fuzz.ratio, limit=k, score_cutoff=c)`` over the names of
a length range, found without comparing the key with every name.

Compared one by one, each of thousands of missing names close to thousands of existing ones
(daily notes linking to missing days) cost a pass over all the names: quadratic.  Here the names
are a trie, searched depth first with the indel distance (the distance ``fuzz.ratio`` is made
of: ``100 * (1 - d / (len(a) + len(b)))``) of the key to each prefix, one row per node.  A
subtree is left when no name below it can score as well as the k-th best found so far (or the
cutoff): the least of the row bounds the distance of every name below.  Names that can tie are
still visited, and the found names are scored by ``fuzz.ratio`` itself and ordered as
``process.extract`` orders them (score, then position in the list), so the answer is the same.
A search that visits too many nodes (a key close to nothing, in a large group) gives up and
asks ``process.extract`` (one pass in C): either way the answer is the same, and never much
slower than the pass alone."""
from __future__ import annotations

from rapidfuzz import fuzz, process

SMALL = 1024  # fewer names than this: one pass in C is cheaper than a trie searched in Python
LONGEST = 200  # longer keys: one pass (scores then differ by more than the bound's margin)
BUDGET = 4000  # trie nodes a search may visit before it falls back to the pass


class ClosestNames:
    """``names`` in a fixed order (the order ties are broken by)."""

    def __init__(self, names: list[str]):
        self.names = names
        self._trie: tuple[list[list[tuple[str, int]]], list[int], list[int], list[int]] | None = None

    def _build(self) -> tuple[list[list[tuple[str, int]]], list[int], list[int], list[int]]:
        children: list[dict[str, int]] = [{}]
        term = [-1]  # the position of the name ending at a node
        for pos, name in enumerate(self.names):
            node = 0
            for ch in name:
                nxt = children[node].get(ch)
                if nxt is None:
                    nxt = children[node][ch] = len(children)
                    children.append({})
                    term.append(-1)
                node = nxt
            if term[node] < 0:
                term[node] = pos
        longest = [0] * len(children)  # the longest name below each node (its depth counted)
        first = [0] * len(children)  # the first position of a name below each node
        order, depth = [0], [0] * len(children)
        for node in order:  # breadth first: parents before children
            for nxt in children[node].values():
                depth[nxt] = depth[node] + 1
                order.append(nxt)
        for node in reversed(order):
            best = depth[node] if term[node] >= 0 else -1
            pos = term[node] if term[node] >= 0 else len(self.names)
            for nxt in children[node].values():
                best = max(best, longest[nxt])
                pos = min(pos, first[nxt])
            longest[node], first[node] = best, pos
        # children in reverse order of their first name: put on a stack, the first comes first
        ordered = [sorted(kids.items(), key=lambda kid: -first[kid[1]]) for kids in children]
        return ordered, term, longest, first

    @staticmethod
    def _bound(row: list[int], depth: int, low: int, top: int) -> float:
        """The best score a name of ``low``..``top`` letters below a node can have.  Past the
        node's prefix, the rest of the key (from its letter ``i``) and the rest of the name
        differ at least by their lengths: ``min(row[i] + |rest of key - rest of name|)``, which
        is at ``i = n - rest`` since a row changes by at most 1 per letter; and a distance has
        the parity of the two lengths' sum."""
        n = len(row) - 1
        best = -1.0
        for length in range(low, top + 1):
            rest = length - depth
            d = row[n - rest] if rest <= n else row[0] + rest - n
            if (d + n + length) % 2:
                d += 1
            score = 100.0 * (1.0 - d / (n + length)) if n + length else 100.0
            if score > best:
                best = score
        return best

    def brute(self, key: str, limit: int, cutoff: float, lo: int, hi: int) -> list[str]:
        names = [n for n in self.names if lo <= len(n) <= hi]
        return [m[0] for m in process.extract(key, names, scorer=fuzz.ratio, limit=limit,
                                              score_cutoff=cutoff)]

    def closest(self, key: str, limit: int, cutoff: float, lo: int, hi: int) -> list[str]:
        """The (at most) ``limit`` names of length ``lo``..``hi`` scoring at least ``cutoff``,
        best first, ties in list order."""
        if len(self.names) < SMALL or len(key) > LONGEST:
            return self.brute(key, limit, cutoff, lo, hi)
        if self._trie is None:
            self._trie = self._build()
        children, term, longest, first = self._trie
        n = len(key)
        found: list[tuple[float, int]] = []  # (-score, position), best first
        need = cutoff
        # (node, depth, the parent's row, the letter into the node, the parent's bound)
        stack: list[tuple[int, int, list[int], str, float]] = [(0, 0, [], "", 100.0)]
        visited = 0
        while stack:
            node, depth, up, ch, up_bound = stack.pop()
            if up_bound < need - 1e-6:  # the best found rose since the node was put aside
                continue
            # scores are fractions with denominators under 1000: 1e-6 tells them apart; a name
            # that can at best tie the last kept one loses to it when it comes after it
            full = len(found) == limit
            if full and up_bound < need + 1e-6 and first[node] > found[-1][1]:
                continue
            visited += 1
            if visited > BUDGET:
                return self.brute(key, limit, cutoff, lo, hi)
            if depth:
                row = [up[0] + 1]
                for i in range(1, n + 1):
                    best = up[i] + 1
                    left = row[i - 1] + 1
                    if left < best:
                        best = left
                    if key[i - 1] == ch and up[i - 1] < best:
                        best = up[i - 1]
                    row.append(best)
            else:
                row = list(range(n + 1))
            bound = self._bound(row, depth, max(lo, depth), min(longest[node], hi))
            if bound < need - 1e-6 or (full and bound < need + 1e-6 and first[node] > found[-1][1]):
                continue
            pos = term[node]
            if pos >= 0 and lo <= depth <= hi:
                score = fuzz.ratio(key, self.names[pos], score_cutoff=cutoff)
                if score >= cutoff and (len(found) < limit or (-score, pos) < found[-1]):
                    found.append((-score, pos))
                    found.sort()
                    del found[limit:]
                    if len(found) == limit:
                        need = -found[-1][0]
            if depth >= hi:
                continue
            want = key[depth] if depth < n else None
            last = None
            for letter, nxt in children[node]:
                if letter == want:
                    last = (nxt, depth + 1, row, letter, bound)  # the key's own letter first
                else:
                    stack.append((nxt, depth + 1, row, letter, bound))
            if last is not None:
                stack.append(last)
        return [self.names[pos] for _score, pos in found]
