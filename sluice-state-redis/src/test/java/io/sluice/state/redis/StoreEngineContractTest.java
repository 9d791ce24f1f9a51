package io.sluice.state.redis;

import io.sluice.StoreSpec;
import io.sluice.spi.InstanceStores;
import io.sluice.spi.StoreEngine;
import io.sluice.testkit.StoreEngineContract;
import java.util.Map;
import java.util.UUID;

/**
 * The store engine contract, run against redis, found by name as a runtime finds it, with a small cache so that reads
 * of committed entries go to the server.
 */
class StoreEngineContractTest extends StoreEngineContract {

    @Override
    protected StoreEngine open() {
        StoreSpec spec = StoreSpec.of(
                "counts", "redis", Map.of("uri", RedisServer.shared().uri(), "cache-entries", "10"));
        return InstanceStores.backend("count", spec).open("contract-" + UUID.randomUUID(), "count", 0, spec);
    }
}
