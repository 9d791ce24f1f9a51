package io.sluice.testkit;

import io.sluice.StoreSpec;
import io.sluice.spi.InstanceStores;
import io.sluice.spi.StoreEngine;

/** The store engine contract, run against the in-memory engine, found by name as a runtime finds it. */
class MemoryStoreContractTest extends StoreEngineContract {

    @Override
    protected StoreEngine open() {
        StoreSpec spec = StoreSpec.memory("counts");
        return InstanceStores.backend("count", spec).open("contract", "count", 0, spec);
    }
}
