package io.sluice.internal.local;

import io.sluice.ItemFailure;
import io.sluice.ItemTracking;
import io.sluice.Robustness;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * What a deployment with a robustness level above NONE knows of its items: the ledgers of its tracked sources and the
 * most recent failures.
 */
final class Tracking {

    /** Trees a source may have open at once before it waits; bounds memory when a replay holds back its position. */
    static final int MAX_IN_FLIGHT = 1 << 16;

    final Robustness robustness;
    private final List<SourceLedger> ledgers = new ArrayList<>();
    private final ArrayDeque<ItemFailure> recent = new ArrayDeque<>(); // guarded by itself

    Tracking(Robustness robustness) {
        this.robustness = robustness;
    }

    SourceLedger ledger(String node, int instance) {
        SourceLedger ledger = new SourceLedger(node, instance);
        ledgers.add(ledger);
        return ledger;
    }

    Robustness.Level levelOf(String node) {
        return robustness.levelOf(node);
    }

    void record(ItemFailure failure, Robustness.Level level) {
        if (level.compareTo(Robustness.Level.TRACK) < 0 || robustness.failuresKept() == 0) {
            return;
        }
        synchronized (recent) {
            if (recent.size() == robustness.failuresKept()) {
                recent.poll();
            }
            recent.add(failure);
        }
    }

    ItemTracking snapshot() {
        long introduced = 0;
        long completed = 0;
        long failed = 0;
        long replays = 0;
        long deadLettered = 0;
        for (SourceLedger ledger : ledgers) {
            // settled counts first: read the other way round, an item could be seen settled and not introduced
            completed += ledger.completed();
            failed += ledger.failed();
            replays += ledger.replays();
            deadLettered += ledger.deadLetteredCount();
            introduced += ledger.introduced();
        }
        introduced = Math.max(introduced, completed + failed);
        List<ItemFailure> failures;
        synchronized (recent) {
            failures = List.copyOf(recent);
        }
        return new ItemTracking(robustness.level(), introduced, completed, failed, replays, deadLettered, failures);
    }
}
