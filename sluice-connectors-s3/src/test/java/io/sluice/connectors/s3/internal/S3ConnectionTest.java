package io.sluice.connectors.s3.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.connectors.s3.S3Access;
import java.net.URI;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.regions.Region;

/** Where requests go: the settings over the standard AWS environment variables over the defaults. */
class S3ConnectionTest {

    @Test
    void anEndpointComesFromTheS3VariableThenTheGeneralOne() {
        Map<String, String> env =
                Map.of("AWS_ENDPOINT_URL", "http://general:9000", "AWS_ENDPOINT_URL_S3", "http://s3-only:9000");

        S3Connection.Resolved resolved = S3Connection.resolve(S3Access.defaults(), env);

        assertThat(resolved.endpoint()).contains(URI.create("http://s3-only:9000"));
        assertThat(S3Connection.resolve(S3Access.defaults(), Map.of("AWS_ENDPOINT_URL", "http://general:9000"))
                        .endpoint())
                .contains(URI.create("http://general:9000"));
    }

    @Test
    void withAnEndpointPathStyleIsOnAndAnyRegionDoes() {
        S3Connection.Resolved resolved =
                S3Connection.resolve(S3Access.defaults(), Map.of("AWS_ENDPOINT_URL", "http://127.0.0.1:9000"));

        assertThat(resolved.pathStyle()).isTrue();
        assertThat(resolved.region()).isEqualTo(Region.US_EAST_1);
        assertThat(resolved.crossRegion()).isFalse();
    }

    @Test
    void settingsWinOverTheEnvironment() {
        S3Access access = S3Access.defaults()
                .withEndpoint("http://mine:9000")
                .withRegion("eu-west-1")
                .withPathStyle(false);

        S3Connection.Resolved resolved = S3Connection.resolve(
                access, Map.of("AWS_ENDPOINT_URL", "http://other:9000", "AWS_REGION", "us-west-2"));

        assertThat(resolved.endpoint()).contains(URI.create("http://mine:9000"));
        assertThat(resolved.region()).isEqualTo(Region.EU_WEST_1);
        assertThat(resolved.pathStyle()).isFalse();
    }

    @Test
    void withoutAnEndpointItIsAwsAddressedByHost() {
        S3Connection.Resolved resolved =
                S3Connection.resolve(S3Access.defaults(), Map.of("AWS_REGION", "eu-central-1"));

        assertThat(resolved.endpoint()).isEqualTo(Optional.empty());
        assertThat(resolved.region()).isEqualTo(Region.EU_CENTRAL_1);
        assertThat(resolved.pathStyle()).isFalse();
    }

    @Test
    void credentialsNeverShowInTheSettings() {
        S3Access access = S3Access.defaults().withCredentials("AKIAEXAMPLE", "very-secret");

        assertThat(access.toString()).doesNotContain("AKIAEXAMPLE").doesNotContain("very-secret");
    }
}
