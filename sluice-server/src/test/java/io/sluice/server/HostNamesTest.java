package io.sluice.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Host names brought to one form, so that the Host check compares like with like. */
class HostNamesTest {

    @Test
    void oneHostHasOneForm() {
        assertThat(HostNames.normalize("LocalHost.")).isEqualTo("localhost");
        assertThat(HostNames.normalize("[::1]")).isEqualTo("::1");
        assertThat(HostNames.normalize("0:0:0:0:0:0:0:1")).isEqualTo("::1");
        assertThat(HostNames.normalize("2001:DB8:0:0:1:0:0:1")).isEqualTo("2001:db8::1:0:0:1");
        assertThat(HostNames.normalize("127.0.0.1")).isEqualTo("127.0.0.1");
    }

    @Test
    void aHostHeaderIsANameAndMaybeAPort() {
        assertThat(HostNames.ofHostHeader("127.0.0.1:8080")).contains("127.0.0.1");
        assertThat(HostNames.ofHostHeader("[::1]:8080")).contains("::1");
        assertThat(HostNames.ofHostHeader("Example.com")).contains("example.com");
        assertThat(HostNames.ofHostHeader("example.com:notaport")).isEmpty();
        assertThat(HostNames.ofHostHeader("example.com:80/x")).isEmpty();
        assertThat(HostNames.ofHostHeader("[::1")).isEmpty();
        assertThat(HostNames.ofHostHeader("a b")).isEqualTo(Optional.empty());
        assertThat(HostNames.ofHostHeader("")).isEmpty();
    }
}
