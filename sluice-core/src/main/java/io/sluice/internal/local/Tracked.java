package io.sluice.internal.local;

/**
 * An item crossing from one task to another inside a tuple tree: the item, the root of its tree, and its tree's slot
 * if that root is a burst (0 otherwise).
 */
final class Tracked {

    final Object item;
    final Root root;
    final int slot;

    Tracked(Object item, Root root, int slot) {
        this.item = item;
        this.root = root;
        this.slot = slot;
    }
}
