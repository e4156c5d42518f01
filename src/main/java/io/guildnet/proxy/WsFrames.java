package io.guildnet.proxy;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.concurrent.ThreadLocalRandom;

/** RFC 6455 framing toward the workspace: the proxy is the WebSocket client there, so it masks what it sends. */
final class WsFrames {

    static final int CONTINUATION = 0x0, TEXT = 0x1, BINARY = 0x2, CLOSE = 0x8, PING = 0x9, PONG = 0xA;

    /** A frame header read from the workspace; its payload follows on the stream. */
    record Head(boolean fin, int opcode, long length, byte[] mask) {}

    private WsFrames() {}

    static Head readHead(InputStream in) throws IOException {
        int b0 = in.read();
        if (b0 < 0) throw new EOFException("workspace closed the WebSocket connection");
        int b1 = read(in);
        long len = b1 & 0x7f;
        if (len == 126) len = ((long) read(in) << 8) | read(in);
        else if (len == 127) {
            len = 0;
            for (int i = 0; i < 8; i++) len = (len << 8) | read(in);
            if (len < 0) throw new IOException("WebSocket frame length out of range");
        }
        byte[] mask = (b1 & 0x80) != 0 ? in.readNBytes(4) : null;
        return new Head((b0 & 0x80) != 0, b0 & 0x0f, len, mask);
    }

    private static int read(InputStream in) throws IOException {
        int c = in.read();
        if (c < 0) throw new EOFException("workspace closed the WebSocket connection mid-frame");
        return c;
    }

    /** Writes one masked frame (client to server). */
    static void write(OutputStream out, boolean fin, int opcode, byte[] payload, int off, int len) throws IOException {
        byte[] head = new byte[14];
        int n = 0;
        head[n++] = (byte) ((fin ? 0x80 : 0) | opcode);
        if (len < 126) {
            head[n++] = (byte) (0x80 | len);
        } else if (len < 65536) {
            head[n++] = (byte) (0x80 | 126);
            head[n++] = (byte) (len >>> 8);
            head[n++] = (byte) len;
        } else {
            head[n++] = (byte) (0x80 | 127);
            for (int i = 7; i >= 0; i--) head[n++] = (byte) (i >= 4 ? 0 : len >>> (8 * i));
        }
        int key = ThreadLocalRandom.current().nextInt();
        byte[] k = {(byte) (key >>> 24), (byte) (key >>> 16), (byte) (key >>> 8), (byte) key};
        System.arraycopy(k, 0, head, n, 4);
        n += 4;
        byte[] masked = new byte[len];
        for (int i = 0; i < len; i++) masked[i] = (byte) (payload[off + i] ^ k[i & 3]);
        out.write(head, 0, n);
        out.write(masked);
    }
}
