package io.sluice.cloud;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

/**
 * TLS for a {@link CloudNode}: the certificate chain and private key it serves with (PEM, the key in PKCS#8), and the
 * certificates it trusts when it connects to its peers. Clients trust with {@link CloudClient#connect(String, String,
 * Path)}.
 *
 * @param certificateChain PEM file of the node's certificate and its chain
 * @param privateKey PEM file of its private key, unencrypted PKCS#8 ({@code BEGIN PRIVATE KEY})
 * @param trusted PEM file of the certificates that sign peers' certificates
 */
public record CloudTls(Path certificateChain, Path privateKey, Path trusted) {

    /** Checks that the three files are there. */
    public CloudTls {
        for (Path file : new Path[] {certificateChain, privateKey, trusted}) {
            Objects.requireNonNull(file, "TLS file");
            if (!Files.isRegularFile(file)) {
                throw new IllegalArgumentException("TLS file '" + file + "': not found; expected a PEM file");
            }
        }
    }
}
