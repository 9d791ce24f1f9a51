package io.sluice.internal.local;

import io.sluice.SluiceException;

/**
 * Where the items of one edge go from one node instance: straight into the chained downstream instance, or into the
 * channels of the downstream instances, spread by the edge's partitioning.
 */
abstract sealed class Output {

    abstract void accept(Object item);

    /** Forward edge inside a task: a direct call, no queue. */
    static final class Chained extends Output {
        final Operator target;

        Chained(Operator target) {
            this.target = target;
        }

        @Override
        void accept(Object item) {
            target.accept(item);
        }
    }

    /** Items handed to another runtime's transport (a Kafka producer, for instance). */
    static final class External extends Output {
        private final java.util.function.Consumer<Object> sink;

        External(java.util.function.Consumer<Object> sink) {
            this.sink = sink;
        }

        @Override
        void accept(Object item) {
            sink.accept(item);
        }
    }

    /** One downstream instance: forward between tasks, or global. */
    static final class Single extends Output {
        private final Channel channel;

        Single(Channel channel) {
            this.channel = channel;
        }

        @Override
        void accept(Object item) {
            channel.add(item);
        }
    }

    static final class RoundRobin extends Output {
        private final Channel[] channels;
        private int next;

        RoundRobin(Channel[] channels, int start) {
            this.channels = channels;
            this.next = start % channels.length;
        }

        @Override
        void accept(Object item) {
            channels[next].add(item);
            if (++next == channels.length) {
                next = 0;
            }
        }
    }

    static final class Keyed extends Output {
        private final java.util.function.Function<Object, ?> key;
        private final Channel[] channels;
        private final String edge;

        Keyed(java.util.function.Function<Object, ?> key, Channel[] channels, String edge) {
            this.key = key;
            this.channels = channels;
            this.edge = edge;
        }

        @Override
        void accept(Object item) {
            Object k = key.apply(item);
            if (k == null) {
                throw new SluiceException(
                        "the key function of keyed edge " + edge + " returned null; every item needs" + " a key");
            }
            channels[instanceFor(k, channels.length)].add(item);
        }
    }

    static final class Broadcast extends Output {
        private final Channel[] channels;

        Broadcast(Channel[] channels) {
            this.channels = channels;
        }

        @Override
        void accept(Object item) {
            for (Channel channel : channels) {
                channel.add(item);
            }
        }
    }

    /** The instance a key belongs to: its hash, mixed so that similar keys spread well, modulo the parallelism. */
    static int instanceFor(Object key, int instances) {
        int h = key.hashCode() * 0x9E3779B9;
        return Math.floorMod(h ^ (h >>> 16), instances);
    }
}
