package io.sluice.internal.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.sluice.Emitter;
import io.sluice.NodeSpec;
import io.sluice.Sources;
import io.sluice.StartNode;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Who wakes a task waiting for input. A producer in mid-stream lets its consumer sleep until batches gather; every
 * producer wakes it before the producer itself waits. The queues here sleep for an hour unless woken, so a wake that
 * is missing shows as a consumer that never gets its batch, not as a delay.
 */
class InputQueueTest {

    private static final long AN_HOUR = TimeUnit.HOURS.toNanos(1);
    private static final Duration WOKEN_WITHIN = Duration.ofSeconds(10);

    private final List<Object[]> taken = new CopyOnWriteArrayList<>();
    private Thread consumer;

    @AfterEach
    void stopConsumer() throws InterruptedException {
        if (consumer == null) {
            return;
        }
        consumer.interrupt();
        consumer.join();
    }

    /** Starts a consumer that takes every batch, and waits until it sleeps on the empty queue. */
    private void consume(InputQueue.Blocking queue) {
        consumer = Thread.ofPlatform().start(() -> {
            try {
                while (true) {
                    taken.add(queue.poll(-1));
                }
            } catch (Cancelled stopped) {
                // interrupted by the test
            }
        });
        await().atMost(WOKEN_WITHIN).until(queue::consumerWaits);
    }

    private static Object[] batch(int first, int size) {
        Object[] batch = new Object[size];
        for (int i = 0; i < size; i++) {
            batch[i] = first + i;
        }
        return batch;
    }

    @Test
    void aProducerInMidStreamWakesItsConsumerOnlyOnceThreeQuartersOfTheQueueWait() {
        InputQueue.Blocking queue = new InputQueue.Blocking(8, AN_HOUR);
        consume(queue);

        for (int i = 0; i < 5; i++) {
            assertThat(queue.putLettingSleep(batch(i * 4, 4)))
                    .as("batch %d of 5 leaves the consumer asleep, and says so", i + 1)
                    .isTrue();
        }
        assertThat(queue.putLettingSleep(batch(20, 4)))
                .as("the sixth batch of a ring of eight wakes the consumer")
                .isFalse();

        await().atMost(WOKEN_WITHIN).until(() -> taken.size() == 6);
        assertThat(taken.stream().flatMap(Arrays::stream).toList()).containsExactly(batch(0, 24));
    }

    @Test
    void aProducerThatLeftItsConsumerAsleepWakesItBeforeItWaitsItself() {
        InputQueue.Blocking queue = new InputQueue.Blocking(8, AN_HOUR);
        Operator generator =
                Operator.of("wake", NodeSpec.start("g", Sources.generator(1, i -> i)), 0, (n, i) -> {}, false);
        Task producer = new Task("g", List.of(generator), null, null);
        Channel channel = new Channel(queue, 4, producer, false);
        consume(queue);

        for (int i = 0; i < 4; i++) {
            channel.add(i); // one full batch: in mid-stream, so the consumer sleeps on
        }

        channel.flush(true); // nothing partly filled, but a wake owed: the producer is about to wait

        await().atMost(WOKEN_WITHIN).until(() -> taken.size() == 1);
        assertThat(taken.get(0)).containsExactly(0, 1, 2, 3);
    }

    /** A start node's task feeding one channel of batches of four into {@code queue}. */
    private static Task sourceTask(Supplier<? extends StartNode<Integer>> source, InputQueue queue) {
        Operator operator = Operator.of("wake", NodeSpec.start("s", source), 0, (n, i) -> {}, false);
        Task task = new Task("s", List.of(operator), null, null);
        Channel channel = new Channel(queue, 4, task, false);
        operator.wire(Map.of(Emitter.DEFAULT_PORT, new Output[] {new Output.Single(channel)}));
        task.addChannel(channel);
        task.open();
        return task;
    }

    /** A user's start node, emitting three items in one pull; whether it waits for input is the default. */
    private static class ThreeItems implements StartNode<Integer> {
        @Override
        public boolean pull(Emitter<Integer> emitter) {
            emitter.emit(1);
            emitter.emit(2);
            emitter.emit(3);
            return true;
        }
    }

    @Test
    void whatAStartNodeThatMayWaitEmittedWakesItsConsumerWhenThePullReturns() {
        InputQueue.Blocking queue = new InputQueue.Blocking(8, AN_HOUR);
        Task task = sourceTask(ThreeItems::new, queue); // waits for input, by default: its next pull could block
        consume(queue);

        task.pullOnce();

        assertThat(queue.wakes()).isEqualTo(1);
        await().atMost(WOKEN_WITHIN).until(() -> taken.size() == 1);
        assertThat(taken.get(0)).containsExactly(1, 2, 3);
    }

    @Test
    void aTaskThatComesBackForMoreLetsItsConsumerSleepUntilItWaitsItself() {
        // the generator never waits for input: its task comes back for more
        assertSleepsUntilHandOver(Sources.generator(3, i -> (int) i), 0, 1, 2);
    }

    @Test
    void aUsersStartNodeThatNeverWaitsForInputLetsItsConsumerSleepUntilItsTaskWaits() {
        assertSleepsUntilHandOver(
                () -> new ThreeItems() {
                    @Override
                    public boolean waitsForInput() {
                        return false;
                    }
                },
                1,
                2,
                3);
    }

    /** One pull of {@code source} reaches its sleeping consumer only when the task hands over, before it waits. */
    private void assertSleepsUntilHandOver(Supplier<? extends StartNode<Integer>> source, Object... items) {
        InputQueue.Blocking queue = new InputQueue.Blocking(8, AN_HOUR);
        Task task = sourceTask(source, queue);
        consume(queue);

        task.pullOnce(); // hands its batch over, without waking
        assertThat(queue.wakes()).as("the consumer sleeps on").isZero();

        task.handOver(); // as the task does before it waits

        assertThat(queue.wakes()).isEqualTo(1);
        await().atMost(WOKEN_WITHIN).until(() -> taken.size() == 1);
        assertThat(taken.get(0)).containsExactly(items);
    }

    @Test
    void aPartlyFilledBatchWakesItsConsumerAtOnce() {
        InputQueue.Blocking queue = new InputQueue.Blocking(8, AN_HOUR);
        consume(queue);

        queue.put(batch(0, 3));

        await().atMost(WOKEN_WITHIN).until(() -> taken.size() == 1);
    }

    @Test
    void aTrackedBatchCountsItsItemsNotTheTreesItCarries() {
        Object[] tracked = {"a", "b", new BatchTrees(new Root[2], new int[2])};
        for (InputQueue queue : List.of(new InputQueue.Blocking(8), new InputQueue.Direct())) {
            queue.put(tracked);
            queue.put(new Object[] {"c"});
            assertThat(queue.depth())
                    .as("%s after two batches", queue.getClass().getSimpleName())
                    .isEqualTo(3);
            queue.pollNow();
            assertThat(queue.depth())
                    .as("%s after taking the tracked one", queue.getClass().getSimpleName())
                    .isEqualTo(1);
        }
    }
}
