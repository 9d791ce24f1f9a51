package io.sluice.internal.local;

import java.time.Duration;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The platform threads that run multi-thread tasks, kept across deployments. Starting a platform thread costs about
 * 0.2 ms on a small machine, which was most of what a short multi-thread deployment cost beyond the work itself; a
 * thread that has finished a task now waits {@link #KEEP_ALIVE} for the next one before it ends.
 *
 * <p>What a task sees is what a thread of its own gave it: the thread carries the task's name and the deploying
 * thread's context class loader while it runs the task, and an interrupt meant for the task never reaches whatever the
 * thread runs next. The threads are not daemons, so a JVM whose {@code main} returns still runs its deployments to
 * the end, and then exits at most {@link #KEEP_ALIVE} later. Two things differ from a fresh thread: values left in a
 * {@link ThreadLocal} by one task are seen by the next task on the same thread, and the thread does not inherit the
 * deploying thread's {@link InheritableThreadLocal}s.
 */
final class TaskThreads {

    /** How long a finished thread waits for another task; bounds how much later than its last task the JVM exits. */
    static final Duration KEEP_ALIVE = Duration.ofMillis(100);

    /** The threads every LOCAL deployment of this JVM shares. */
    static final TaskThreads SHARED = new TaskThreads(KEEP_ALIVE);

    private final ThreadPoolExecutor pool;

    TaskThreads(Duration keepAlive) {
        AtomicInteger sequence = new AtomicInteger();
        ThreadFactory factory = work -> {
            Thread thread = new Thread(work, idleName(sequence.incrementAndGet()));
            thread.setDaemon(false);
            return thread;
        };
        this.pool = new ThreadPoolExecutor(
                0, Integer.MAX_VALUE, keepAlive.toNanos(), TimeUnit.NANOSECONDS, new SynchronousQueue<>(), factory);
    }

    private static String idleName(int number) {
        return "sluice-local-" + number;
    }

    /** Runs {@code work} as task {@code name} on a kept thread, or a new one when none is free. */
    Running start(String name, Runnable work) {
        Running running = new Running(name, work, Thread.currentThread().getContextClassLoader());
        pool.execute(running::run);
        return running;
    }

    /** One task's run on a kept thread: what the deployment interrupts and waits for. */
    static final class Running {

        private final String name;
        private final Runnable work;
        private final ClassLoader loader;
        private Thread thread; // while the task runs, guarded by this
        private boolean interruptRequested; // guarded by this
        private boolean done; // guarded by this

        private Running(String name, Runnable work, ClassLoader loader) {
            this.name = name;
            this.work = work;
            this.loader = loader;
        }

        String name() {
            return name;
        }

        private void run() {
            Thread self = Thread.currentThread();
            String idle = self.getName();
            ClassLoader idleLoader = self.getContextClassLoader();
            self.setName(name);
            self.setContextClassLoader(loader);
            synchronized (this) {
                thread = self;
                if (interruptRequested) {
                    self.interrupt();
                }
            }
            try {
                work.run();
            } finally {
                synchronized (this) {
                    thread = null;
                    done = true;
                    notifyAll();
                }
                // No interrupt for this task can come any more; one that came late must not reach the next task.
                Thread.interrupted();
                self.setContextClassLoader(idleLoader);
                self.setName(idle);
            }
        }

        /** Interrupts the task's thread while it runs the task, or as it starts; never the thread's next task. */
        synchronized void interrupt() {
            interruptRequested = true;
            if (thread != null) {
                thread.interrupt();
            }
        }

        /** Whether the calling thread is the one running this task. */
        synchronized boolean isCurrent() {
            return thread == Thread.currentThread();
        }

        /** Waits up to {@code timeout} for the task to end; whether it did. */
        synchronized boolean await(Duration timeout) throws InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (!done) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(this, left);
            }
            return true;
        }
    }
}
