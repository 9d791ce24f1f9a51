package io.sluice.state.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.sluice.SluiceException;
import io.sluice.StoreSpec;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Opening a store fails at once, and clearly, when the server cannot be reached or refuses to serve it. */
class PostgresConnectTest {

    private static final String WRONG = "wrong-password-9b2f";

    private final PostgresServer server = PostgresServer.shared();

    private static Throwable open(Map<String, String> config) {
        return catchThrowable(() -> new PostgresBackend()
                .open("g", "count", 0, StoreSpec.of("counts", "postgres", config))
                .close());
    }

    @Test
    void anUnreachableServerFailsWithinTheConnectTimeoutNamingHostAndPort() throws IOException {
        int closed;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = socket.getLocalPort(); // nothing listens there once the socket is closed
        }
        Map<String, String> config =
                Map.of("url", "jdbc:postgresql://127.0.0.1:" + closed + "/postgres", "connect-timeout", "1s");

        long start = System.nanoTime();
        Throwable failure = open(config);
        Duration took = Duration.ofNanos(System.nanoTime() - start);

        assertThat(failure)
                .isInstanceOf(SluiceException.class)
                .hasMessageStartingWith("Store 'counts' of node 'count': cannot reach postgres at 127.0.0.1:" + closed
                        + " within 1s; Connection to 127.0.0.1:" + closed + " refused.")
                .hasMessageEndingWith("; check setting 'url' (or the environment variable SLUICE_POSTGRES_URL) and"
                        + " that the server is running, or allow more time with 'connect-timeout'");
        assertThat(took)
                .as("time to fail")
                .isGreaterThanOrEqualTo(Duration.ofSeconds(1))
                .isLessThan(Duration.ofSeconds(6));
    }

    @Test
    void aWrongPasswordFailsAtOnceWithoutShowingIt() {
        Map<String, String> config = server.config("connect_test", "password", WRONG, "connect-timeout", "30s");

        long start = System.nanoTime();
        Throwable failure = open(config);
        Duration took = Duration.ofNanos(System.nanoTime() - start);

        assertThat(failure)
                .isInstanceOf(SluiceException.class)
                .hasMessage("Store 'counts' of node 'count': postgres at " + server.server() + " refused the"
                        + " connection of user 'postgres'; FATAL: password authentication failed for user"
                        + " \"postgres\"; check setting 'user' and 'password' (or the environment variables"
                        + " SLUICE_POSTGRES_USER and SLUICE_POSTGRES_PASSWORD or PGPASSWORD)");
        assertThat(everything(failure)).doesNotContain(WRONG).doesNotContain(PostgresServer.PASSWORD);
        assertThat(took).as("not retried until the timeout").isLessThan(Duration.ofSeconds(20));
    }

    @Test
    void noPasswordWhereOneIsNeededSaysSo() {
        Map<String, String> config = Map.of("url", server.url(), "user", PostgresServer.USER);

        assertThat(open(config))
                .hasMessage("Store 'counts' of node 'count': postgres at " + server.server() + " refused the"
                        + " connection of user 'postgres'; The server requested SCRAM-based authentication, but no"
                        + " password was provided.; check setting 'user' and 'password' (or the environment variables"
                        + " SLUICE_POSTGRES_USER and SLUICE_POSTGRES_PASSWORD or PGPASSWORD)");
    }

    @Test
    void aMissingDatabaseSaysWhichAndHowToMakeIt() {
        Map<String, String> config = server.config("connect_test", "url", server.url("nowhere"));

        Throwable failure = open(config);

        assertThat(failure)
                .isInstanceOf(SluiceException.class)
                .hasMessage("Store 'counts' of node 'count': postgres at " + server.server() + " has no database"
                        + " 'nowhere'; create it (CREATE DATABASE nowhere) or name another in setting 'url'");
        assertThat(everything(failure)).doesNotContain(PostgresServer.PASSWORD);
    }

    /** The failure's message, causes and stack trace, as a log would print them. */
    private static String everything(Throwable failure) {
        StringWriter text = new StringWriter();
        failure.printStackTrace(new PrintWriter(text));
        return text.toString();
    }
}
