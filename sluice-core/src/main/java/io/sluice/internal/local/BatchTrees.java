package io.sluice.internal.local;

/**
 * The tuple trees of a tracked batch's items, carried as the batch's last element: item {@code i}'s root, or {@code
 * null} for an item of no tree, and its tree's slot if that root is a burst (0 otherwise). Parallel arrays, one pair
 * per batch, where an envelope per item cost an allocation on the producer's core and a dereference on the
 * consumer's.
 */
final class BatchTrees {

    final Root[] roots;
    final int[] slots;

    BatchTrees(Root[] roots, int[] slots) {
        this.roots = roots;
        this.slots = slots;
    }

    /** The items of {@code batch}: its length, less the trees it carries if it is tracked. */
    static int itemsIn(Object[] batch) {
        int length = batch.length;
        return length > 0 && batch[length - 1] instanceof BatchTrees ? length - 1 : length;
    }
}
