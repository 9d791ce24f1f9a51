package io.sluice.server;

import io.javalin.http.Context;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Who may ask what, checked before any route runs, in this order:
 *
 * <ol>
 *   <li>Host: only names of this server — the bound address, the allowed hosts, and the loopback names when bound to
 *       loopback — so a page whose DNS name was rebound to 127.0.0.1 reaches nothing (421).
 *   <li>Origin: a request that may change something (any method but GET and HEAD) carrying an {@code Origin} other
 *       than this server's own is refused (403): a page elsewhere cannot stop a deployment.
 *   <li>Token: {@code Authorization: Bearer TOKEN}, compared in constant time, on every such request, and on every
 *       request when the server listens beyond loopback — except the dashboard page and the health probes, which hold
 *       no data (401). A token that is sent must be right, wherever it is sent.
 *   <li>Content type: a body must be {@code application/json}, in UTF-8 if a charset is named, and so must any
 *       content type a change declares, body or not (415); this also takes away the forms and {@code text/plain}
 *       posts a browser sends across sites without asking.
 * </ol>
 *
 * <p>Every response carries {@link #HEADERS}, the dashboard's content security policy among them.
 */
final class Security {

    /** What the dashboard needs — its own page, script and style, and calls to its own API — and nothing else. */
    static final String CONTENT_SECURITY_POLICY = "default-src 'none'; script-src 'self'; style-src 'self';"
            + " img-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    static final Map<String, String> HEADERS = Map.of(
            "X-Content-Type-Options", "nosniff",
            "X-Frame-Options", "DENY",
            "Referrer-Policy", "no-referrer",
            "Content-Security-Policy", CONTENT_SECURITY_POLICY,
            "Cache-Control", "no-store",
            "Cross-Origin-Resource-Policy", "same-origin");

    private static final List<String> LOOPBACK_NAMES = List.of("localhost", "127.0.0.1", "::1");

    /** A server's token and where it came from: only a token made at start is printed. */
    record Token(String value, boolean generated) {

        /** The token given, else {@code SLUICE_API_TOKEN}, else a new random one. */
        static Token resolve(Optional<String> given) {
            if (given.isPresent()) {
                return new Token(given.get(), false);
            }
            String fromEnvironment = System.getenv("SLUICE_API_TOKEN");
            if (fromEnvironment != null && !fromEnvironment.isEmpty()) {
                try {
                    ServerOptions.checkToken(fromEnvironment);
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException(
                            "SLUICE_API_TOKEN: "
                                    + e.getMessage().substring(e.getMessage().indexOf(':') + 2),
                            e);
                }
                return new Token(fromEnvironment, false);
            }
            byte[] random = new byte[32];
            new SecureRandom().nextBytes(random);
            return new Token(Base64.getUrlEncoder().withoutPadding().encodeToString(random), true);
        }

        @Override
        public String toString() {
            return "Token[" + (generated ? "generated" : "given") + "]";
        }
    }

    private final byte[] tokenDigest; // null: no token asked for (a RequestServer given none)
    private final boolean readsOpen;
    private final boolean anyHost;
    private final Set<String> hosts;
    private final Set<String> openPaths;

    /**
     * @param token the token every guarded request must carry; empty for a server that asks for none
     * @param openPaths the paths a GET reaches without a token even beyond loopback: pages and probes without data
     * @throws IllegalArgumentException if the host to listen on is not an address or a name that resolves
     */
    Security(ServerOptions options, Optional<String> token, Set<String> openPaths) {
        this.tokenDigest = token.map(Security::digest).orElse(null);
        this.openPaths = Set.copyOf(openPaths);
        InetAddress bound;
        try {
            bound = InetAddress.getByName(options.host());
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(
                    "ServerOptions.host: '" + options.host() + "' is not an address of this machine", e);
        }
        this.readsOpen = bound.isLoopbackAddress();
        TreeSet<String> names = new TreeSet<>(options.allowedHosts());
        names.add(HostNames.normalize(options.host()));
        names.add(HostNames.normalize(bound.getHostAddress()));
        if (bound.isLoopbackAddress() || bound.isAnyLocalAddress()) {
            names.addAll(LOOPBACK_NAMES);
        }
        // Bound everywhere, the server answers to names we cannot know; every route then needs the token, which a
        // rebinding page does not have.
        this.anyHost = bound.isAnyLocalAddress() && options.allowedHosts().isEmpty();
        this.hosts = Collections.unmodifiableSet(names);
    }

    /** Whether a GET needs the token: it does when the server listens beyond loopback. */
    boolean readsNeedToken() {
        return tokenDigest != null && !readsOpen;
    }

    static void addHeaders(Context ctx) {
        HEADERS.forEach(ctx::header);
    }

    /** The checks, in order; the first that fails answers. */
    void check(Context ctx) {
        addHeaders(ctx);
        checkHost(ctx);
        boolean reading = isRead(ctx.method().name());
        if (!reading) {
            checkOrigin(ctx);
        }
        checkToken(ctx, reading);
        if (!reading && (hasBody(ctx) || ctx.req().getHeaders("Content-Type").hasMoreElements())) {
            requireJson(ctx);
        }
    }

    static boolean isRead(String method) {
        return method.equals("GET") || method.equals("HEAD");
    }

    private void checkHost(Context ctx) {
        List<String> values = headers(ctx, "Host");
        Optional<String> host = values.size() == 1 ? HostNames.ofHostHeader(values.get(0)) : Optional.empty();
        if (host.isEmpty()) {
            throw new ApiException(
                    421,
                    "the request must name this server in one Host header, found " + values + "; it answers to "
                            + hosts);
        }
        if (!anyHost && !hosts.contains(host.get())) {
            throw new ApiException(
                    421,
                    "Host '" + values.get(0) + "' is not this server; it answers to " + hosts
                            + " (more names: ServerOptions.withAllowedHosts)");
        }
    }

    private static void checkOrigin(Context ctx) {
        List<String> origins = headers(ctx, "Origin");
        if (origins.isEmpty()) {
            return; // not sent by a browser's cross-site request: browsers always send Origin on those
        }
        String host = ctx.header("Host");
        String origin = origins.get(0);
        boolean same = origins.size() == 1
                && (origin.equalsIgnoreCase("http://" + host) || origin.equalsIgnoreCase("https://" + host));
        if (!same) {
            throw new ApiException(
                    403,
                    "cross-origin request refused: Origin '" + String.join(", ", origins) + "' is not this server"
                            + " (http://" + host + "); only its own dashboard may change a deployment from a"
                            + " browser");
        }
    }

    private void checkToken(Context ctx, boolean reading) {
        if (tokenDigest == null) {
            return;
        }
        List<String> values = headers(ctx, "Authorization");
        boolean needed = !reading || (!readsOpen && !openPaths.contains(ctx.path()));
        if (values.isEmpty() && !needed) {
            return;
        }
        if (values.isEmpty()) {
            throw unauthorized((reading
                            ? "this server listens beyond loopback, so every route needs"
                            : "this request changes" + " the deployment, so it needs")
                    + " the API token: send 'Authorization: Bearer TOKEN' (the token given with --token or"
                    + " SLUICE_API_TOKEN, or printed by the server at start)");
        }
        String value = values.get(0);
        if (values.size() > 1 || !value.regionMatches(true, 0, "Bearer ", 0, 7)) {
            throw unauthorized("send the token as one 'Authorization: Bearer TOKEN' header");
        }
        if (!MessageDigest.isEqual(digest(value.substring(7).strip()), tokenDigest)) {
            throw unauthorized("the token is not this server's");
        }
    }

    private static ApiException unauthorized(String message) {
        return new ApiException(401, message).header("WWW-Authenticate", "Bearer realm=\"sluice\"");
    }

    private static boolean hasBody(Context ctx) {
        return ctx.req().getContentLengthLong() > 0 || ctx.header("Transfer-Encoding") != null;
    }

    /** 415 unless the body is declared {@code application/json}, without a charset or in UTF-8. */
    static void requireJson(Context ctx) {
        List<String> values = headers(ctx, "Content-Type");
        if (values.size() > 1) {
            throw new ApiException(415, "the request has " + values.size() + " Content-Type headers; send one");
        }
        if (values.isEmpty()) {
            throw new ApiException(415, "the body has no Content-Type; send it as 'Content-Type: application/json'");
        }
        String[] parts = values.get(0).split(";", -1);
        String media = parts[0].strip().toLowerCase(Locale.ROOT);
        if (!media.equals("application/json")) {
            throw new ApiException(
                    415,
                    "the body must be application/json, found '" + parts[0].strip()
                            + "'; send it as 'Content-Type: application/json'");
        }
        for (int i = 1; i < parts.length; i++) {
            String parameter = parts[i].strip();
            int eq = parameter.indexOf('=');
            if (eq < 0 || !parameter.substring(0, eq).strip().equalsIgnoreCase("charset")) {
                continue;
            }
            String charset = parameter.substring(eq + 1).strip();
            if (charset.length() >= 2 && charset.startsWith("\"") && charset.endsWith("\"")) {
                charset = charset.substring(1, charset.length() - 1);
            }
            if (!charset.equalsIgnoreCase("utf-8")) {
                throw new ApiException(
                        415,
                        "the body must be JSON in UTF-8, found charset '" + charset + "'; send it as UTF-8 (or"
                                + " name no charset)");
            }
        }
    }

    private static List<String> headers(Context ctx, String name) {
        return Collections.list(ctx.req().getHeaders(name));
    }

    private static byte[] digest(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
