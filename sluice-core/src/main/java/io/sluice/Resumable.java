package io.sluice;

/**
 * A start node that can say where it is in its input and go back there: what lets a deployment with a checkpoint
 * directory ({@link LocalOptions#withCheckpoints}) resume after a crash without losing items.
 *
 * <p>The runtime asks for {@link #position()} after each {@link StartNode#pull}, on the node's thread, and stores it
 * once every item emitted up to that pull has been completely processed. A restarted deployment calls {@link
 * #resume} right after {@link StartNode#open}, before the first pull. Items after the stored position are read again,
 * so a crash gives duplicates, never losses (at-least-once).
 */
public interface Resumable {

    /** Where the next pull will start, in a form {@link #resume} understands; plain text, kept in a file. */
    String position();

    /** Goes to {@code position}, a value {@link #position()} returned in an earlier run with the same input. */
    void resume(String position) throws Exception;

    /**
     * Everything before {@code position} is in a checkpoint on disk: the input before it will never be read again,
     * so a log may drop it, a queue acknowledge it. Called on the node's thread after each checkpoint is written.
     */
    default void committed(String position) throws Exception {}
}
