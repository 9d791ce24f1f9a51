package io.sluice.yaml.internal;

import io.sluice.ComputationalGraph;
import io.sluice.spi.GraphLoader;
import io.sluice.yaml.Pipeline;
import java.nio.file.Path;

/** Lets a worker process rebuild a graph from its pipeline file: references ending in {@code .yaml} or {@code .yml}. */
public final class YamlGraphLoader implements GraphLoader {

    @Override
    public boolean accepts(String reference) {
        return reference.endsWith(".yaml") || reference.endsWith(".yml");
    }

    @Override
    public ComputationalGraph load(String reference) {
        return Pipeline.load(Path.of(reference)).graph();
    }
}
