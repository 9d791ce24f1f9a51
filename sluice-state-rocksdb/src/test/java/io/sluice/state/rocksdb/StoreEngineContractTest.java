package io.sluice.state.rocksdb;

import io.sluice.StoreSpec;
import io.sluice.spi.InstanceStores;
import io.sluice.spi.StoreEngine;
import io.sluice.testkit.StoreEngineContract;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;

/** The store engine contract, run against rocksdb, found by name as a runtime finds it. */
class StoreEngineContractTest extends StoreEngineContract {

    @TempDir
    Path dir;

    @Override
    protected StoreEngine open() {
        StoreSpec spec = StoreSpec.of("counts", "rocksdb", Map.of("dir", dir.toString()));
        return InstanceStores.backend("count", spec).open("contract", "count", 0, spec);
    }
}
