package io.sluice.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class ConnectorsTest {

    @Test
    void aLocationsSchemeIsTheTextBeforeItsSlashes() {
        assertThat(Connectors.scheme("s3://bucket/prefix")).isEqualTo("s3");
        assertThat(Connectors.scheme("HTTPS://host/x")).isEqualTo("https");
        assertThat(Connectors.scheme("data/in.txt")).isNull();
        assertThat(Connectors.scheme("/abs/path://odd")).isNull();
        assertThat(Connectors.scheme("://nothing")).isNull();
        assertThat(Connectors.isConnectorLocation("file:///tmp/x")).isFalse();
        assertThat(Connectors.isConnectorLocation("kafka://topic-1")).isTrue();
    }

    @Test
    void aSchemeNobodyHandlesNamesTheModuleToAdd() {
        assertThatThrownBy(() -> Connectors.source("s3://bucket/data", Map.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'s3://bucket/data'")
                .hasMessageContaining("nothing on the class path handles 's3://'")
                .hasMessageContaining("add the module that brings it (sluice-connectors-s3)");
        assertThatThrownBy(() -> Connectors.sink("gopher://x", Map.of()))
                .hasMessageContaining("a sluice-connectors-* module for 'gopher'");
    }
}
