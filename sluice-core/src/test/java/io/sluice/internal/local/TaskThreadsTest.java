package io.sluice.internal.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URL;
import java.net.URLClassLoader;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * A task on a kept thread sees what a thread of its own would give it: its name, the deployer's class loader, and
 * only the interrupts meant for it. The pool's own keep-alive is a minute here, so a thread is surely kept.
 */
class TaskThreadsTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    private final TaskThreads threads = new TaskThreads(Duration.ofMinutes(1));

    @Test
    void aThreadThatFinishedATaskRunsTheNextUnderTheNextTasksName() throws Exception {
        Ran a = runToEnd("graph/a");
        awaitIdle(a.thread());
        Ran b = runToEnd("graph/b");

        assertThat(b.thread()).isSameAs(a.thread());
        assertThat(a.thread().isDaemon()).isFalse();
        assertThat(a.threadName()).isEqualTo("graph/a");
        assertThat(b.threadName()).isEqualTo("graph/b");
        awaitIdle(b.thread());
        assertThat(b.thread().getName()).startsWith("sluice-local-");
    }

    @Test
    void anInterruptForAFinishedTaskDoesNotReachTheThreadsNextTask() throws Exception {
        Ran a = runToEnd("a");
        awaitIdle(a.thread());

        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch lateInterruptSent = new CountDownLatch(1);
        AtomicBoolean interrupted = new AtomicBoolean();
        AtomicReference<Thread> next = new AtomicReference<>();
        TaskThreads.Running b = threads.start("b", () -> {
            next.set(Thread.currentThread());
            started.countDown();
            awaitQuietly(lateInterruptSent);
            interrupted.set(Thread.currentThread().isInterrupted());
        });
        assertThat(started.await(30, TimeUnit.SECONDS)).isTrue();
        a.task().interrupt(); // late: task a has ended, and its thread runs task b
        lateInterruptSent.countDown();
        assertThat(b.await(WAIT)).isTrue();
        assertThat(next.get()).isSameAs(a.thread());
        assertThat(interrupted).isFalse();
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // kept for the assertion
        }
    }

    @Test
    void anInterruptReachesTheTaskWhileItRuns() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        AtomicBoolean interrupted = new AtomicBoolean();
        TaskThreads.Running task = threads.start("sleeper", () -> {
            started.countDown();
            try {
                Thread.sleep(Duration.ofMinutes(5));
            } catch (InterruptedException e) {
                interrupted.set(true);
            }
        });
        assertThat(started.await(30, TimeUnit.SECONDS)).isTrue();
        task.interrupt();
        assertThat(task.await(WAIT)).isTrue();
        assertThat(interrupted).isTrue();
    }

    @Test
    void theTaskRunsWithTheDeployingThreadsContextClassLoader() throws Exception {
        Thread kept = runToEnd("warm").thread();
        awaitIdle(kept);

        Thread deployer = Thread.currentThread();
        ClassLoader before = deployer.getContextClassLoader();
        try (URLClassLoader application = new URLClassLoader(new URL[0], before)) {
            deployer.setContextClassLoader(application);
            AtomicReference<ClassLoader> seen = new AtomicReference<>();
            TaskThreads.Running task =
                    threads.start("task", () -> seen.set(Thread.currentThread().getContextClassLoader()));
            deployer.setContextClassLoader(before);
            assertThat(task.await(WAIT)).isTrue();
            assertThat(seen.get()).isSameAs(application);
            awaitIdle(kept);
            assertThat(kept.getContextClassLoader()).isNotSameAs(application);
        } finally {
            deployer.setContextClassLoader(before);
        }
    }

    /** A task that ran to its end: its handle, the thread it ran on and the name that thread had while it ran. */
    private record Ran(TaskThreads.Running task, Thread thread, String threadName) {}

    private Ran runToEnd(String name) throws InterruptedException {
        AtomicReference<Thread> thread = new AtomicReference<>();
        AtomicReference<String> threadName = new AtomicReference<>();
        TaskThreads.Running task = threads.start(name, () -> {
            thread.set(Thread.currentThread());
            threadName.set(Thread.currentThread().getName());
        });
        assertThat(task.await(WAIT)).isTrue();
        return new Ran(task, thread.get(), threadName.get());
    }

    /** A task is done before its thread has put its own name back and gone back to the pool. */
    private static void awaitIdle(Thread thread) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!thread.getName().startsWith("sluice-local-") || thread.getState() == Thread.State.RUNNABLE) {
            assertThat(System.nanoTime())
                    .as("thread %s back in the pool", thread)
                    .isLessThan(deadline);
            Thread.sleep(1);
        }
    }
}
