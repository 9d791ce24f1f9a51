package io.sluice.state.dynamodb;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;

/**
 * Counts the requests every DynamoDB client of the test JVM sends, by operation, so that tests can check how many round
 * trips a commit takes. Registered for every client through the SDK's global interceptor list
 * ({@code software/amazon/awssdk/global/handlers/execution.interceptors} in the test resources).
 */
public final class RequestCounter implements ExecutionInterceptor {

    private static final Map<String, AtomicLong> SENT = new ConcurrentHashMap<>();
    private static volatile Consumer<String> before = operation -> {};

    @Override
    public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
        String operation = attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME);
        SENT.computeIfAbsent(operation, o -> new AtomicLong()).incrementAndGet();
        before.accept(operation);
    }

    /** Runs {@code action} with the name of every request about to be sent (a fault to inject), until reset. */
    static void beforeEachRequest(Consumer<String> action) {
        before = action;
    }

    /** How many {@code operation} requests were sent so far ({@code GetItem}, {@code BatchWriteItem}, …). */
    static long sent(String operation) {
        AtomicLong count = SENT.get(operation);
        return count == null ? 0 : count.get();
    }

    /** How many requests of any kind were sent so far. */
    static long sent() {
        return SENT.values().stream().mapToLong(AtomicLong::get).sum();
    }
}
