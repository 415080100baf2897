"""The order in which a multi-level roll-up computes standards.

A made product's standard is rolled up from its components' standards, so every
component (and every sub-assembly below it) must be computed first. ``levels`` gives each
product its low-level number counted from the bottom: 0 for a product with no bill of
materials (bought), 1 + the highest level of its components for a made one. Computing by
ascending level computes every sub-assembly before the products that use it. A bill of
materials that contains itself, directly or through others, has no such order and is
refused with the chain that closes the cycle.
"""

from collections.abc import Hashable, Iterable, Mapping

from .checks import CostingError


class BomCycle(CostingError):
    """Bills of materials that contain themselves; ``chain`` is the cycle, first product
    repeated at its end."""

    def __init__(self, chain: tuple[Hashable, ...]):
        super().__init__(f"bills of materials contain themselves: {chain!r}")
        self.chain = chain


def levels(components_of: Mapping[Hashable, Iterable[Hashable]]) -> dict[Hashable, int]:
    """{product: level} for every product of ``components_of`` (made product -> its
    components, kits already exploded) and every component it names.

    Iterative (no recursion limit on deep structures); raises BomCycle naming the first
    cycle met.
    """
    level: dict[Hashable, int] = {}
    on_path: set[Hashable] = set()
    for root in components_of:
        if root in level:
            continue
        path = [root]
        children = [iter(components_of.get(root, ()))]
        on_path.add(root)
        while path:
            child = next(children[-1], None)
            if child is None:
                done = path.pop()
                children.pop()
                on_path.discard(done)
                below = [level[c] for c in components_of.get(done, ())]
                level[done] = 1 + max(below) if below else (1 if done in components_of else 0)
                continue
            if child in on_path:
                start = path.index(child)
                raise BomCycle(tuple(path[start:]) + (child,))
            if child in level:
                continue
            path.append(child)
            children.append(iter(components_of.get(child, ())))
            on_path.add(child)
    return level
