package io.sluice.internal.nodes;

import io.sluice.StartNode;

/**
 * Marks a start node whose {@link StartNode#pull} never waits for input to arrive: what it reads is at hand (a
 * generator, a local file), so its next pull follows at once. Its task may then keep a partly filled batch for the
 * next pull instead of handing over what each pull emitted as soon as the pull returns — for a short while only (see
 * the LOCAL runtime's {@code Task}) — which saves a hand-off per pull when one pull's items fill only part of a batch
 * per channel. A start node that may wait (a socket, a topic, standard input, a timer) must not be marked: what it
 * emitted would wait downstream's turn through its next, blocking, pull.
 */
public interface NeverWaits {}
