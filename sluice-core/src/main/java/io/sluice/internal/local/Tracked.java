package io.sluice.internal.local;

/** An item crossing from one task to another inside a tuple tree: the item and the root of its tree. */
final class Tracked {

    final Object item;
    final Root root;

    Tracked(Object item, Root root) {
        this.item = item;
        this.root = root;
    }
}
