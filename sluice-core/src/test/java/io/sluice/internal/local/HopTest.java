package io.sluice.internal.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.NodeSpec;
import io.sluice.Nodes;
import io.sluice.Sinks;
import io.sluice.Sources;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * Which class each chain position's hop gets: a class of its own wherever the JIT should see one callee, shared
 * wherever the code is the same, so that deployments of one graph reuse what the JIT made of it.
 */
class HopTest {

    private static Operator operator(NodeSpec spec) {
        return Operator.of("hops", spec, 0, (node, item) -> {}, false);
    }

    private static Class<?> hopClass(NodeSpec spec) {
        return operator(spec).hop.getClass();
    }

    @Test
    void mapsWithFunctionsOfDifferentClassesGetHopsOfDifferentClasses() {
        Class<?> plusOne = hopClass(Nodes.map("a", (Integer i) -> i + 1));
        Class<?> timesTwo = hopClass(Nodes.map("b", (Integer i) -> i * 2));

        assertThat(plusOne).isNotEqualTo(timesTwo);
        assertThat(plusOne.isHidden()).isTrue();
        assertThat(timesTwo.isHidden()).isTrue();
    }

    @Test
    void filtersWithPredicatesOfDifferentClassesGetHopsOfDifferentClasses() {
        Class<?> even = hopClass(Nodes.filter("a", (Integer i) -> i % 2 == 0));
        Class<?> small = hopClass(Nodes.filter("b", (Integer i) -> i < 10));

        assertThat(even).isNotEqualTo(small);
    }

    @Test
    void mapsWithFunctionsOfOneClassShareTheirHopClassButNotTheirFunction() {
        Function<Integer, Function<Integer, Integer>> adder = k -> i -> i + k;
        Operator one = operator(Nodes.map("a", adder.apply(1)));
        Operator two = operator(Nodes.map("b", adder.apply(2)));

        assertThat(one.hop.getClass()).isEqualTo(two.hop.getClass());
        assertThat(one.hop).isNotSameAs(two.hop);
    }

    @Test
    void aStartNodesHopIsOfItsOwnClassPerNextHop() {
        Operator start = operator(NodeSpec.start("s", Sources.generator(10, i -> i)));
        Operator end = operator(NodeSpec.end("e", Sinks.discard()));

        assertThat(Hop.of(start, end.hop).getClass())
                .isNotEqualTo(Hop.of(start, null).getClass());
    }
}
