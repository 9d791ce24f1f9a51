package io.sluice.internal.local;

import io.sluice.NodeSpec;
import io.sluice.spi.NodeInstance;
import java.util.HashMap;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/** Makes {@link NodeInstance}s over the LOCAL runtime's operators; found by {@link java.util.ServiceLoader}. */
public final class OperatorInstances implements NodeInstance.Factory {

    @Override
    public NodeInstance create(
            String graph,
            NodeSpec spec,
            int instance,
            BiConsumer<String, Object> results,
            Map<String, ? extends Consumer<Object>> outputs) {
        Operator operator = Operator.of(graph, spec, instance, results, false);
        if (!spec.ports().isEmpty()) {
            Map<String, Output[]> wired = new HashMap<>();
            for (String port : spec.ports()) {
                Consumer<Object> sink = outputs.get(port);
                if (sink == null) {
                    throw new IllegalArgumentException("no output for port '" + port + "' of node '" + spec.id() + "'");
                }
                wired.put(port, new Output[] {new Output.External(sink)});
            }
            operator.wire(wired);
        }
        return new OperatorInstance(operator);
    }
}
