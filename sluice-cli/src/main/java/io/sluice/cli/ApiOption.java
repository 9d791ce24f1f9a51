package io.sluice.cli;

import picocli.CommandLine.Option;

/** The {@code --api} and {@code --token} options of the commands that talk to a deployment's HTTP API. */
final class ApiOption {

    @Option(
            names = "--api",
            defaultValue = "http://127.0.0.1:8080",
            paramLabel = "URL",
            description = "the deployment's API (default: ${DEFAULT-VALUE})")
    String url;

    @Option(
            names = "--token",
            paramLabel = "TOKEN",
            description = "the API's token (default: the SLUICE_API_TOKEN environment variable, which, unlike an"
                    + " option, other users of the machine cannot read in the process list); needed when the API"
                    + " listens beyond loopback")
    String token;

    ApiClient client() {
        String given = token != null ? token : System.getenv("SLUICE_API_TOKEN");
        return new ApiClient(url, given == null || given.isEmpty() ? null : given);
    }
}
