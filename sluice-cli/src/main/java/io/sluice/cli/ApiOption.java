package io.sluice.cli;

import picocli.CommandLine.Option;

/** The {@code --api} option of the commands that talk to a deployment's HTTP API. */
final class ApiOption {

    @Option(
            names = "--api",
            defaultValue = "http://127.0.0.1:8080",
            paramLabel = "URL",
            description = "the deployment's API (default: ${DEFAULT-VALUE})")
    String url;

    ApiClient client() {
        return new ApiClient(url);
    }
}
