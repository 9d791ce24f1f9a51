package io.sluice;

/**
 * A start node that can say where it is in its input and go back there — or an end node that can say where it is in
 * its output and go back there: what lets a deployment with a checkpoint directory ({@link
 * LocalOptions#withCheckpoints}) resume after a crash exactly where its last checkpoint stands.
 *
 * <p><b>Start nodes.</b> At each checkpoint the runtime stops pulling and asks for {@link #position()}, on the
 * node's thread; the checkpoint holds it together with the state every item before it made (node stores) and the
 * end nodes' positions. A restarted deployment calls {@link #resume} right after {@link StartNode#open}, before the
 * first pull: the items after the position come again, and the stores are as they were at the checkpoint, so they
 * count once.
 *
 * <p><b>End nodes.</b> At each checkpoint, after {@link EndNode#flush}, the runtime asks for {@link #position()}: where
 * the output stands, made durable. A restarted deployment calls {@link #resume} right after {@link EndNode#open}: the
 * node goes back to that position, removing what it wrote after it, which the items coming again write anew — so its
 * output holds every item once. {@link Sinks#appendLines} does this with its file's length. An end node that is not
 * resumable sees the items after the checkpoint again after a crash (at-least-once) unless it is idempotent.
 *
 * <pre>{@code
 * class Numbers implements StartNode<Long>, Resumable {
 *     private long next;
 *     public boolean pull(Emitter<Long> out) { out.emit(next++); return true; }
 *     public String position() { return Long.toString(next); }
 *     public void resume(String position) { next = Long.parseLong(position); }
 * }
 * }</pre>
 */
public interface Resumable {

    /** Where the node stands — the next pull starts there, or the output ends there; plain text, kept in a file. */
    String position();

    /** Goes back to {@code position}, a value {@link #position()} returned in an earlier run with the same input. */
    void resume(String position) throws Exception;

    /**
     * Everything before {@code position} is committed — in a checkpoint on disk (LOCAL) or in a committed transaction
     * (KAFKA) — and a restart will never go back before it. For a start node: the input before it will never be read
     * again, so a log may drop it, a queue acknowledge it; called on the node's thread, before the first pull after
     * the commit. For an end node: the output up to it may become visible — a two-phase sink (part files completed
     * only now, a transaction committed only now) makes it so; called on the node's thread after the commit (on LOCAL when it
     * next handles items). An end node that ends makes its output whole in {@link EndNode#onComplete}; a
     * call that follows it (the final commit) has nothing left to do.
     */
    default void committed(String position) throws Exception {}
}
