package io.guildnet.proxy;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.concurrent.ThreadLocalRandom;

/** Minimal RFC 6455 framing for the test doubles (server and client side). */
public final class WsCodec {

    public record Frame(boolean fin, int opcode, byte[] payload) {
        public String text() { return new String(payload, StandardCharsets.UTF_8); }
    }

    private WsCodec() {}

    public static String accept(String key) {
        try {
            MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
            byte[] d = sha1.digest((key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").getBytes(StandardCharsets.ISO_8859_1));
            return Base64.getEncoder().encodeToString(d);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    public static Frame read(InputStream in) throws IOException {
        int b0 = in.read();
        if (b0 < 0) throw new EOFException();
        int b1 = in.read();
        if (b1 < 0) throw new EOFException();
        long len = b1 & 0x7f;
        if (len == 126) len = ((in.read() & 0xff) << 8) | (in.read() & 0xff);
        else if (len == 127) {
            len = 0;
            for (int i = 0; i < 8; i++) len = (len << 8) | (in.read() & 0xff);
        }
        byte[] mask = null;
        if ((b1 & 0x80) != 0) mask = in.readNBytes(4);
        byte[] p = in.readNBytes((int) len);
        if (p.length != len) throw new EOFException();
        if (mask != null) for (int i = 0; i < p.length; i++) p[i] ^= mask[i & 3];
        return new Frame((b0 & 0x80) != 0, b0 & 0x0f, p);
    }

    /** Writes one frame; clients mask, servers don't. */
    public static void write(OutputStream out, boolean fin, int opcode, byte[] payload, boolean masked) throws IOException {
        int len = payload.length;
        byte[] head = new byte[14];
        int n = 0;
        head[n++] = (byte) ((fin ? 0x80 : 0) | opcode);
        int m = masked ? 0x80 : 0;
        if (len < 126) head[n++] = (byte) (m | len);
        else if (len < 65536) {
            head[n++] = (byte) (m | 126);
            head[n++] = (byte) (len >>> 8);
            head[n++] = (byte) len;
        } else {
            head[n++] = (byte) (m | 127);
            for (int i = 7; i >= 0; i--) head[n++] = (byte) (i >= 4 ? 0 : (len >>> (8 * i)));
        }
        byte[] body = payload;
        if (masked) {
            byte[] k = new byte[4];
            ThreadLocalRandom.current().nextBytes(k);
            System.arraycopy(k, 0, head, n, 4);
            n += 4;
            body = payload.clone();
            for (int i = 0; i < body.length; i++) body[i] ^= k[i & 3];
        }
        synchronized (out) {
            out.write(head, 0, n);
            out.write(body);
            out.flush();
        }
    }

    public static byte[] closePayload(int code, String reason) {
        byte[] r = reason.getBytes(StandardCharsets.UTF_8);
        byte[] p = new byte[2 + r.length];
        p[0] = (byte) (code >>> 8);
        p[1] = (byte) code;
        System.arraycopy(r, 0, p, 2, r.length);
        return p;
    }
}
