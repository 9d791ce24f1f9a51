package io.sluice.state.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.SluiceException;
import io.sluice.StoreSpec;
import io.sluice.state.postgres.internal.Settings;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The settings are checked all at once, fall back on the environment, and never show the password. */
class PostgresSettingsTest {

    private static final String URL = "jdbc:postgresql://db.example:6543/app";
    private static final String SECRET = "s3cr3t-never-shown";

    private static Settings settings(Map<String, String> config, Map<String, String> env) {
        return Settings.of("count", StoreSpec.of("counts", "postgres", config), env);
    }

    @Test
    void everySettingHasADefaultButTheUrl() {
        Settings settings = settings(Map.of("url", URL), Map.of());

        assertThat(settings.server()).isEqualTo("db.example:6543");
        assertThat(settings.database()).isEqualTo("app");
        assertThat(settings.user()).isNull();
        assertThat(settings.password()).isNull();
        assertThat(settings.table()).isEqualTo("sluice_state");
        assertThat(settings.versionsTable()).isEqualTo("sluice_state_versions");
        assertThat(settings.cacheEntries()).isEqualTo(10_000);
        assertThat(settings.connectTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(settings.retries()).isEqualTo(5);
        assertThat(settings.retryBackoff()).isEqualTo(Duration.ofMillis(100));
        assertThat(settings.retryTimeout()).as("none: the retries alone decide").isNull();
    }

    @Test
    void settingsAreReadAsWritten() {
        Settings settings = settings(
                Map.of(
                        "url", "jdbc:postgresql://[::1]/app?sslmode=disable",
                        "user", "sluice",
                        "table", "app.counts",
                        "cache-entries", "0",
                        "connect-timeout", "250ms",
                        "retries", "0",
                        "retry-backoff", "PT1S",
                        "retry-timeout", "2m"),
                Map.of());

        assertThat(settings.server()).isEqualTo("[::1]:5432");
        assertThat(settings.user()).isEqualTo("sluice");
        assertThat(settings.table()).isEqualTo("app.counts");
        assertThat(settings.versionsTable()).isEqualTo("app.counts_versions");
        assertThat(settings.cacheEntries()).isZero();
        assertThat(settings.connectTimeout()).isEqualTo(Duration.ofMillis(250));
        assertThat(settings.retries()).isZero();
        assertThat(settings.retryBackoff()).isEqualTo(Duration.ofSeconds(1));
        assertThat(settings.retryTimeout()).isEqualTo(Duration.ofMinutes(2));
    }

    @Test
    void theConnectionComesFromTheEnvironmentWhenTheConfigLacksIt() {
        Map<String, String> env =
                Map.of("SLUICE_POSTGRES_URL", URL, "SLUICE_POSTGRES_USER", "from-env", "PGPASSWORD", "pg-" + SECRET);

        Settings fromEnv = settings(Map.of(), env);
        assertThat(fromEnv.url()).isEqualTo(URL);
        assertThat(fromEnv.user()).isEqualTo("from-env");
        assertThat(fromEnv.password()).as("libpq's variable, the last resort").isEqualTo("pg-" + SECRET);

        Map<String, String> both = new java.util.HashMap<>(env);
        both.put("SLUICE_POSTGRES_PASSWORD", "sluice-" + SECRET);
        assertThat(settings(Map.of(), both).password()).isEqualTo("sluice-" + SECRET);

        Settings fromConfig =
                settings(Map.of("url", "jdbc:postgresql://other/db", "user", "u", "password", SECRET), both);
        assertThat(fromConfig.server()).isEqualTo("other:5432");
        assertThat(fromConfig.user()).isEqualTo("u");
        assertThat(fromConfig.password()).isEqualTo(SECRET);
    }

    @Test
    void theTextOfSettingsLeavesThePasswordOut() {
        Settings settings = settings(Map.of("url", URL, "user", "sluice", "password", SECRET), Map.of());

        assertThat(settings.toString())
                .doesNotContain(SECRET)
                .isEqualTo("Settings[server=db.example:6543, database=app, user=sluice, password=(set),"
                        + " table=sluice_state, cacheEntries=10000, connectTimeout=PT10S, retries=5,"
                        + " retryBackoff=PT0.1S, retryTimeout=null]");
    }

    @Test
    void anUnknownSettingIsRefusedNamingTheKnownOnes() {
        assertThatThrownBy(() -> settings(Map.of("url", URL, "cache_entries", "8"), Map.of()))
                .isInstanceOf(SluiceException.class)
                .hasMessage("Store 'counts' of node 'count': the postgres backend has no setting 'cache_entries';"
                        + " expected one of [url, user, password, table, cache-entries, connect-timeout, retries,"
                        + " retry-backoff, retry-timeout]; did you mean 'cache-entries'?");
    }

    @Test
    void everyBadSettingIsNamedAtOnce() {
        assertThatThrownBy(() -> settings(
                        Map.of(
                                "colour", "red",
                                "table", "Robert'); DROP TABLE students;--",
                                "cache-entries", "-1",
                                "connect-timeout", "soon",
                                "retries", "lots",
                                "retry-backoff", "-5s",
                                "retry-timeout", "0s"),
                        Map.of()))
                .hasMessage("Store 'counts' of node 'count': the postgres backend has no setting 'colour'; expected"
                        + " one of [url, user, password, table, cache-entries, connect-timeout, retries,"
                        + " retry-backoff, retry-timeout]\n"
                        + "Store 'counts' of node 'count': the postgres backend needs setting 'url'"
                        + " (jdbc:postgresql://host:port/database), in the store's config or in the environment"
                        + " variable SLUICE_POSTGRES_URL\n"
                        + "Store 'counts' of node 'count': setting 'table' of the postgres backend must be a table"
                        + " name of lower-case letters, digits and _, at most 54 characters, optionally after a"
                        + " schema and a dot; found 'Robert'); DROP TABLE students;--'\n"
                        + "Store 'counts' of node 'count': setting 'cache-entries' of the postgres backend must be a"
                        + " whole number of entries; expected 0 to 100000000 but found '-1'\n"
                        + "Store 'counts' of node 'count': setting 'connect-timeout' of the postgres backend must be"
                        + " a duration of at least 250ms such as 250ms, 2s, 5m or PT2S; found 'soon'\n"
                        + "Store 'counts' of node 'count': setting 'retries' of the postgres backend must be a whole"
                        + " number of retries; expected 0 to 100 but found 'lots'\n"
                        + "Store 'counts' of node 'count': setting 'retry-backoff' of the postgres backend must be a"
                        + " duration of at least 0ms such as 250ms, 2s, 5m or PT2S; found '-5s'\n"
                        + "Store 'counts' of node 'count': setting 'retry-timeout' of the postgres backend must be a"
                        + " positive duration such as 250ms, 2s, 5m or PT2S; found '0s'");
    }

    @Test
    void aPasswordInTheUrlIsRefusedWithoutShowingIt() {
        assertThatThrownBy(() -> settings(Map.of("url", URL + "?user=u&password=" + SECRET), Map.of()))
                .isInstanceOf(SluiceException.class)
                .hasMessage("Store 'counts' of node 'count': setting 'url' of the postgres backend holds a password;"
                        + " give it in setting 'password' or the environment variable SLUICE_POSTGRES_PASSWORD"
                        + " instead, so that it is never shown with the URL");
    }

    @Test
    void aUrlOfAnotherKindIsRefusedWithoutQuotingIt() {
        assertThatThrownBy(() -> settings(Map.of("url", "postgres://u:" + SECRET + "@db/app"), Map.of()))
                .hasMessage("Store 'counts' of node 'count': setting 'url' of the postgres backend is not a"
                        + " PostgreSQL JDBC URL; expected jdbc:postgresql://host:port/database but found one starting"
                        + " 'postgres://'");
    }
}
