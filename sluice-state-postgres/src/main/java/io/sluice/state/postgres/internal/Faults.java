package io.sluice.state.postgres.internal;

import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;
import java.time.Duration;

/**
 * Which failures of the server a retry may mend: a lost or refused connection, a server shutting down or starting
 * up, too many connections, a transaction the server chose to abort. Anything else (a permission, a missing column, a
 * full disk) fails at once, as trying again would only delay the same error.
 */
final class Faults {

    private Faults() {}

    static boolean isTransient(SQLException e) {
        for (SQLException at = e; at != null; at = at.getNextException()) {
            if (at instanceof SQLTransientException || at instanceof SQLRecoverableException) {
                return true;
            }
            String state = at.getSQLState();
            if (state != null
                    && ((state.startsWith("08") && !state.equals("08004")) // connection exception, not a rejection
                            || state.startsWith("57P") // the server shutting down, crashed or starting up
                            || state.equals("53300") // too many connections
                            || state.equals("40001") // serialization failure
                            || state.equals("40P01"))) { // deadlock detected
                return true;
            }
            if (at.getNextException() == at) {
                break;
            }
        }
        return false;
    }

    /** {@code 250ms}, {@code 2s}, {@code 1m30s}: a duration as settings write it. */
    static String text(Duration duration) {
        long millis = duration.toMillis();
        if (millis % 1_000 != 0) {
            return millis + "ms";
        }
        long seconds = millis / 1_000;
        if (seconds < 60 || seconds % 60 != 0) {
            return seconds + "s";
        }
        return seconds / 60 + "m";
    }
}
