package io.sluice.state.postgres;

import io.sluice.StoreSpec;
import io.sluice.spi.InstanceStores;
import io.sluice.spi.StoreEngine;
import io.sluice.testkit.StoreEngineContract;
import java.util.concurrent.atomic.AtomicInteger;

/** The store engine contract, run against postgres, found by name as a runtime finds it. */
class StoreEngineContractTest extends StoreEngineContract {

    private static final AtomicInteger GRAPHS = new AtomicInteger();

    @Override
    protected StoreEngine open() {
        StoreSpec spec =
                StoreSpec.of("counts", "postgres", PostgresServer.shared().config("contract"));
        return InstanceStores.backend("count", spec).open("contract-" + GRAPHS.incrementAndGet(), "count", 0, spec);
    }
}
