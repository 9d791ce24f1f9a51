package io.sluice;

/**
 * Where a graph runs. Each system's runtime is found on the class path through {@link java.util.ServiceLoader}; the
 * LOCAL runtime ships with {@code sluice-core}.
 */
public enum SystemType {
    /** In-process, on threads: the embedded default, nothing to install. See {@link LocalOptions}. */
    LOCAL
}
