package io.sluice.yaml;

import io.sluice.EndNode;
import io.sluice.Sinks;
import io.sluice.Sources;
import io.sluice.StartNode;
import io.sluice.spi.Connector;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * A connector for the reader's tests, registered in this module's test resources: {@code mem://name} reads the items
 * put under a name and writes into a list under a name, with a setting {@code prefix} a source puts before each item.
 */
public final class MemoryConnector implements Connector {

    static final Map<String, List<Object>> INPUTS = new ConcurrentHashMap<>();
    static final Map<String, List<Object>> OUTPUTS = new ConcurrentHashMap<>();

    @Override
    public String name() {
        return "memory";
    }

    @Override
    public Set<String> schemes() {
        return Set.of("mem");
    }

    @Override
    public Set<String> settings() {
        return Set.of("prefix");
    }

    @Override
    public Supplier<? extends StartNode<?>> source(String location, Map<String, String> settings) {
        List<Object> items = INPUTS.get(location.substring("mem://".length()));
        if (items == null) {
            throw new IllegalArgumentException("'" + location + "': nothing was put under that name");
        }
        String prefix = settings.getOrDefault("prefix", "");
        return Sources.collection(
                items.stream().map(item -> (Object) (prefix + item)).toList());
    }

    @Override
    public Supplier<? extends EndNode<?>> sink(String location, Map<String, String> settings) {
        List<Object> out = OUTPUTS.computeIfAbsent(
                location.substring("mem://".length()), name -> Collections.synchronizedList(new ArrayList<>()));
        return Sinks.callback(out::add);
    }
}
