package io.sluice;

import java.util.List;

/**
 * The branches of a route node ({@link Stage#route}): each item goes to exactly one, and each branch is a stage of the
 * route's own type.
 *
 * @param <T> the type of the items routed
 */
public final class Routed<T> {

    private final Stage<T> route;
    private final List<String> branches;

    Routed(Stage<T> route, List<String> branches) {
        this.route = route;
        this.branches = List.copyOf(branches);
    }

    /**
     * The stage of one branch.
     *
     * @throws IllegalArgumentException if the route has no such branch, listing those it has
     */
    public Stage<T> branch(String name) {
        if (!branches.contains(name)) {
            throw new IllegalArgumentException(
                    "route '" + route.id() + "' has no branch '" + name + "'; its branches: " + branches);
        }
        return route.onPort(name);
    }

    /** The route node's stage, to set its parallelism and the like. */
    public Stage<T> node() {
        return route;
    }
}
