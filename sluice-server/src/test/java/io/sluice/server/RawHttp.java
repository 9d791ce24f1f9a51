package io.sluice.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * HTTP/1.1 over a plain socket, for requests no well-behaved client sends: any method, a lying Content-Length, a
 * foreign Host, bytes that are not HTTP. One request per connection; the answer is read to its end (Content-Length,
 * chunks, or the connection closing), or up to its headers for a stream.
 */
final class RawHttp {

    private static final ObjectMapper JSON = new ObjectMapper();

    private RawHttp() {}

    /** An answer: its status (0 if the server closed without one), headers (names in lower case) and body. */
    record Answer(int status, Map<String, String> headers, byte[] body) {
        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }

        JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                return null;
            }
        }

        String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }

        @Override
        public String toString() {
            return status + " " + headers + " " + text();
        }
    }

    /** Builds the bytes of a request: a request line, headers in order, a body. */
    static byte[] request(String method, String target, List<String> headers, byte[] body) {
        StringBuilder head = new StringBuilder(method + " " + target + " HTTP/1.1\r\n");
        for (String header : headers) {
            head.append(header).append("\r\n");
        }
        head.append("Connection: close\r\n\r\n");
        byte[] start = head.toString().getBytes(StandardCharsets.UTF_8);
        byte[] all = new byte[start.length + body.length];
        System.arraycopy(start, 0, all, 0, start.length);
        System.arraycopy(body, 0, all, start.length, body.length);
        return all;
    }

    /** A JSON request with the right Host and, when given, the token. */
    static Answer send(int port, String method, String target, String token, String json) throws IOException {
        List<String> headers = new ArrayList<>(List.of("Host: 127.0.0.1:" + port));
        if (token != null) {
            headers.add("Authorization: Bearer " + token);
        }
        byte[] body = json == null ? new byte[0] : json.getBytes(StandardCharsets.UTF_8);
        if (json != null) {
            headers.add("Content-Type: application/json");
            headers.add("Content-Length: " + body.length);
        }
        return exchange(port, request(method, target, headers, body), false, 10_000);
    }

    /**
     * Sends {@code request}, closes the sending side (so that a body shorter than it claims ends), and reads the
     * answer; with {@code stream}, an event stream is read up to its headers only (it never ends), and the sending
     * side stays open (a closed one may end the stream before its headers come).
     */
    static Answer exchange(int port, byte[] request, boolean stream, int timeoutMillis) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), timeoutMillis);
            socket.setSoTimeout(timeoutMillis);
            OutputStream out = socket.getOutputStream();
            try {
                out.write(request);
                out.flush();
                if (!stream) {
                    socket.shutdownOutput();
                }
            } catch (IOException e) {
                // the server may answer and close before taking everything (a body too large): read what it said
            }
            return read(socket.getInputStream(), stream);
        }
    }

    static Answer read(InputStream in, boolean stream) throws IOException {
        String statusLine;
        try {
            statusLine = line(in);
        } catch (SocketTimeoutException e) {
            throw e;
        } catch (IOException e) {
            return new Answer(0, Map.of(), new byte[0]);
        }
        while (statusLine != null && statusLine.startsWith("HTTP/1.1 1")) { // 100 Continue: the answer follows
            for (String line = line(in); line != null && !line.isEmpty(); line = line(in)) {
                // an interim answer's headers
            }
            statusLine = line(in);
        }
        if (statusLine == null || !statusLine.startsWith("HTTP/1.1 ")) {
            return new Answer(0, Map.of(), new byte[0]);
        }
        int status = Integer.parseInt(statusLine.substring(9, 12));
        Map<String, String> headers = new LinkedHashMap<>();
        for (String line = line(in); line != null && !line.isEmpty(); line = line(in)) {
            int colon = line.indexOf(':');
            headers.merge(
                    line.substring(0, colon).strip().toLowerCase(Locale.ROOT),
                    line.substring(colon + 1).strip(),
                    (a, b) -> a + ", " + b);
        }
        if (stream && status == 200 && headers.getOrDefault("content-type", "").startsWith("text/event-stream")) {
            return new Answer(status, headers, new byte[0]);
        }
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        if (headers.containsKey("content-length")) {
            body.write(in.readNBytes(Integer.parseInt(headers.get("content-length"))));
        } else if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
            for (int size = Integer.parseInt(line(in).strip(), 16); size > 0; ) {
                body.write(in.readNBytes(size));
                line(in);
                size = Integer.parseInt(line(in).strip(), 16);
            }
        } else {
            try {
                body.write(in.readAllBytes());
            } catch (IOException e) {
                // closed mid-way: what came is the body
            }
        }
        return new Answer(status, headers, body.toByteArray());
    }

    /** The body of a chunked answer as it was written, for a stream read as it comes. */
    static InputStream dechunked(InputStream in) {
        return new InputStream() {
            private int left; // of the current chunk
            private boolean ended;

            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] buffer, int offset, int length) throws IOException {
                if (ended) {
                    return -1;
                }
                if (left == 0) {
                    String size = line(in);
                    if (size != null && size.isEmpty()) {
                        size = line(in); // the CRLF after the chunk before
                    }
                    if (size == null || (left = Integer.parseInt(size.strip(), 16)) == 0) {
                        ended = true;
                        return -1;
                    }
                }
                int n = in.read(buffer, offset, Math.min(length, left));
                if (n > 0) {
                    left -= n;
                }
                return n;
            }
        };
    }

    /** The headers of an answer, read from where the status line ended. */
    static Map<String, String> headers(InputStream in) throws IOException {
        Map<String, String> headers = new LinkedHashMap<>();
        for (String line = line(in); line != null && !line.isEmpty(); line = line(in)) {
            int colon = line.indexOf(':');
            headers.put(
                    line.substring(0, colon).strip().toLowerCase(Locale.ROOT),
                    line.substring(colon + 1).strip());
        }
        return headers;
    }

    static String line(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) >= 0) {
            if (b == '\n') {
                byte[] bytes = line.toByteArray();
                int end = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
                return new String(bytes, 0, end, StandardCharsets.ISO_8859_1);
            }
            line.write(b);
        }
        return line.size() == 0 ? null : line.toString(StandardCharsets.ISO_8859_1);
    }
}
