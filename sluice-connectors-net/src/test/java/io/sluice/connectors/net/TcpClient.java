package io.sluice.connectors.net;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * A real client of a TCP source: a {@link Socket} that sends lines, length-prefixed frames or raw bytes, and reads the
 * source's reply lines. Reads give up after 30 s, so a test that waits for a reply that never comes fails rather than
 * hangs.
 */
final class TcpClient implements AutoCloseable {

    private final Socket socket;
    private final OutputStream out;
    private final BufferedReader in;

    private TcpClient(Socket socket) throws IOException {
        this.socket = socket;
        socket.setSoTimeout(30_000);
        this.out = socket.getOutputStream();
        this.in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
    }

    static TcpClient connect(InetSocketAddress address) throws IOException {
        return new TcpClient(new Socket(address.getAddress(), address.getPort()));
    }

    TcpClient line(String text) throws IOException {
        return raw((text + "\n").getBytes(StandardCharsets.UTF_8));
    }

    TcpClient frame(byte[] body) throws IOException {
        return raw(ByteBuffer.allocate(4 + body.length)
                .putInt(body.length)
                .put(body)
                .array());
    }

    TcpClient raw(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
        return this;
    }

    /** Sends nothing more: the source sees the end of the stream, and may still reply. */
    void endOutput() throws IOException {
        socket.shutdownOutput();
    }

    /** The next reply line; {@code null} once the source closed the connection. */
    String reply() throws IOException {
        return in.readLine();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
