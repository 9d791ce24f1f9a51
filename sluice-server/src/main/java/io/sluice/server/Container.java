package io.sluice.server;

import io.javalin.config.JavalinConfig;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.NetworkConnectionLimit;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.internal.HttpConnection;
import org.eclipse.jetty.util.thread.Scheduler;

/**
 * The Jetty under Javalin, set for hostile clients: one connector on the configured address whose connections are
 * closed once idle ({@link ServerOptions#idleTimeout()}); a deadline for a request's headers, which Jetty lacks (a
 * client sending one byte of headers every few seconds is never idle, and would hold its connection for ever); at
 * most {@value #MAX_CONNECTIONS} connections; no server version in responses.
 */
final class Container {

    static final int MAX_CONNECTIONS = 512;
    private static final Duration HEADER_DEADLINE = Duration.ofSeconds(10);

    private Container() {}

    static void configure(JavalinConfig config, ServerOptions options) {
        config.startup.showJavalinBanner = false;
        config.http.maxRequestSize = options.maxBodyBytes();
        config.http.prefer405over404 = true;
        long idleMillis = options.idleTimeout().toMillis();
        long headerMillis = Math.min(idleMillis, HEADER_DEADLINE.toMillis());
        config.jetty.modifyHttpConfiguration(http -> {
            http.setSendServerVersion(false);
            http.setSendXPoweredBy(false);
        });
        config.jetty.addConnector((server, http) -> {
            ServerConnector connector = new ServerConnector(server, new HttpConnectionFactory(http));
            connector.setHost(options.host());
            connector.setPort(options.port());
            connector.setIdleTimeout(idleMillis);
            server.addBean(new NetworkConnectionLimit(MAX_CONNECTIONS, connector));
            connector.addEventListener(new org.eclipse.jetty.util.component.LifeCycle.Listener() {
                @Override
                public void lifeCycleStarted(org.eclipse.jetty.util.component.LifeCycle event) {
                    sweep(connector, headerMillis);
                }
            });
            return connector;
        });
    }

    /** Closes the connections whose request headers have been arriving for longer than the deadline, then again. */
    private static void sweep(ServerConnector connector, long headerMillis) {
        Scheduler scheduler = connector.getScheduler();
        long period = Math.max(50, Math.min(1000, headerMillis / 4));
        try {
            scheduler.schedule(
                    () -> {
                        if (!connector.isRunning()) {
                            return;
                        }
                        long now = System.nanoTime();
                        for (EndPoint endPoint : connector.getConnectedEndPoints()) {
                            // Jetty's parser knows when a request's first byte came; reading it from here is racy but
                            // only ever late, so a connection may live one period longer.
                            if (endPoint.getConnection() instanceof HttpConnection http
                                    && http.getParser().inHeaderState()
                                    && !http.getParser().isStart()
                                    && now - http.getParser().getBeginNanoTime()
                                            > TimeUnit.MILLISECONDS.toNanos(headerMillis)) {
                                endPoint.close();
                            }
                        }
                        sweep(connector, headerMillis);
                    },
                    period,
                    TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // stopping
        }
    }
}
