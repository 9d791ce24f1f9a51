package io.sluice;

/**
 * The settings of a deployment on one system: {@link LocalOptions} for {@link SystemType#LOCAL}. Each system's module
 * brings its own options record.
 */
public interface DeploymentOptions {

    /** The system these options configure. */
    SystemType system();
}
