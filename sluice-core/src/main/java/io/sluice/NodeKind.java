package io.sluice;

/** The three kinds of node: start nodes pull from outside, end nodes push outside, processing nodes sit between. */
public enum NodeKind {
    START,
    PROCESSING,
    END
}
