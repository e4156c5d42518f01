package io.guildnet.proxy;

import jakarta.websocket.CloseReason;
import jakarta.websocket.Endpoint;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.MessageHandler;
import jakarta.websocket.PongMessage;
import jakarta.websocket.RemoteEndpoint;
import jakarta.websocket.Session;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Logger;

/**
 * One browser WebSocket relayed to the workspace, message fragment by fragment: the browser
 * side is the container's WebSocket session, the workspace side the upstream connection the
 * handshake was made on (the proxy is its client and masks what it sends). Text, binary,
 * fragments, pings, pongs and close codes pass in both directions; large messages stream
 * through in parts, never held whole. One pump task reads the workspace; the browser side is
 * driven by the container's callbacks.
 */
public final class WebSocketRelay extends Endpoint {

    private static final Logger LOG = Logger.getLogger(WebSocketRelay.class.getName());
    static final int CHUNK = 64 * 1024;

    private final UpstreamConnection upstream;
    private final Bridges bridges;
    private final String base;
    private final OutputStream toWorkspace;
    private volatile Session session;
    private volatile long lastActivity = System.nanoTime();
    private final AtomicBoolean closed = new AtomicBoolean();
    private boolean browserTextOpen;   // a fragmented message from the browser is in progress
    private boolean browserBinaryOpen;

    WebSocketRelay(UpstreamConnection upstream, Bridges bridges, String base) {
        this.upstream = upstream;
        this.bridges = bridges;
        this.base = base;
        this.toWorkspace = upstream.out();
    }

    String base() { return base; }

    long idleNanos() { return System.nanoTime() - lastActivity; }

    @Override
    public void onOpen(Session s, EndpointConfig config) {
        this.session = s;
        s.setMaxIdleTimeout(0); // the proxy's own sweep decides, counting traffic both ways
        s.setMaxTextMessageBufferSize(4 * 1024 * 1024);
        s.setMaxBinaryMessageBufferSize(4 * 1024 * 1024);
        s.addMessageHandler(String.class, (MessageHandler.Partial<String>) this::fromBrowserText);
        s.addMessageHandler(ByteBuffer.class, (MessageHandler.Partial<ByteBuffer>) this::fromBrowserBinary);
        s.addMessageHandler(PongMessage.class, (MessageHandler.Whole<PongMessage>) p -> {
            ByteBuffer b = p.getApplicationData();
            byte[] a = new byte[b.remaining()];
            b.get(a);
            send(WsFrames.PONG, true, a, a.length);
        });
        bridges.opened(this);
        try {
            upstream.timeout(0);
            bridges.pump(this::pumpToBrowser);
        } catch (IOException | RuntimeException e) {
            close(CloseReason.CloseCodes.UNEXPECTED_CONDITION, "cannot start the relay", true);
        }
    }

    private void fromBrowserText(String part, boolean last) {
        byte[] b = part.getBytes(StandardCharsets.UTF_8);
        send(browserTextOpen ? WsFrames.CONTINUATION : WsFrames.TEXT, last, b, b.length);
        browserTextOpen = !last;
    }

    private void fromBrowserBinary(ByteBuffer part, boolean last) {
        byte[] b = new byte[part.remaining()];
        part.get(b);
        send(browserBinaryOpen ? WsFrames.CONTINUATION : WsFrames.BINARY, last, b, b.length);
        browserBinaryOpen = !last;
    }

    private void send(int opcode, boolean fin, byte[] b, int len) {
        lastActivity = System.nanoTime();
        try {
            synchronized (toWorkspace) {
                WsFrames.write(toWorkspace, fin, opcode, b, 0, len);
                toWorkspace.flush();
            }
            bridges.bytes(len);
        } catch (IOException e) {
            close(CloseReason.CloseCodes.GOING_AWAY, "workspace connection lost", false);
        }
    }

    /** Workspace to browser: frames read and re-sent as message parts, at most {@link #CHUNK} bytes at a time. */
    private void pumpToBrowser() {
        InputStream in = upstream.in();
        // allocated per message, sized to it: an idle WebSocket holds no relay buffer
        byte[] buf = new byte[0];
        Utf8Parts utf8 = new Utf8Parts();
        int messageType = -1; // TEXT or BINARY while a fragmented message is in progress
        try {
            while (!closed.get()) {
                WsFrames.Head h = WsFrames.readHead(in);
                lastActivity = System.nanoTime();
                int op = h.opcode();
                if (op >= 0x8) {
                    // control frames: small, never fragmented
                    byte[] p = in.readNBytes((int) Math.min(h.length(), 125));
                    unmask(p, p.length, h.mask(), 0);
                    RemoteEndpoint.Basic remote = session.getBasicRemote();
                    switch (op) {
                        case WsFrames.PING -> remote.sendPing(ByteBuffer.wrap(p));
                        case WsFrames.PONG -> remote.sendPong(ByteBuffer.wrap(p));
                        case WsFrames.CLOSE -> {
                            int code = p.length >= 2 ? ((p[0] & 0xff) << 8) | (p[1] & 0xff) : 1000;
                            String reason = p.length > 2 ? new String(p, 2, p.length - 2, StandardCharsets.UTF_8) : "";
                            close(closeCode(code), reason, false);
                            return;
                        }
                        default -> { }
                    }
                    continue;
                }
                int type = op == WsFrames.CONTINUATION ? messageType : op;
                if (type != WsFrames.TEXT && type != WsFrames.BINARY) throw new IOException("unexpected WebSocket opcode " + op);
                long left = h.length();
                long offset = 0;
                int want = (int) Math.min(CHUNK, Math.max(1, left));
                if (buf.length < want) buf = new byte[want];
                boolean sentAny = false;
                do {
                    int n = (int) Math.min(buf.length, left);
                    int got = in.readNBytes(buf, 0, n);
                    if (got < n) throw new IOException("workspace closed the connection mid-frame");
                    unmask(buf, n, h.mask(), offset);
                    offset += n;
                    left -= n;
                    boolean lastPart = h.fin() && left == 0;
                    if (type == WsFrames.TEXT) {
                        session.getBasicRemote().sendText(utf8.decode(buf, n, lastPart), lastPart);
                    } else {
                        session.getBasicRemote().sendBinary(ByteBuffer.wrap(buf, 0, n), lastPart);
                    }
                    sentAny = true;
                    bridges.bytes(n);
                    lastActivity = System.nanoTime();
                } while (left > 0);
                if (!sentAny && h.fin()) {
                    if (type == WsFrames.TEXT) session.getBasicRemote().sendText(utf8.decode(buf, 0, true), true);
                    else session.getBasicRemote().sendBinary(ByteBuffer.allocate(0), true);
                }
                messageType = h.fin() ? -1 : type;
                if (buf.length > 4096) buf = new byte[0]; // large buffers are not kept while the socket idles
            }
        } catch (IOException | RuntimeException e) {
            close(CloseReason.CloseCodes.GOING_AWAY, "workspace connection lost", false);
        }
    }

    private static void unmask(byte[] b, int n, byte[] mask, long offset) {
        if (mask == null) return;
        for (int i = 0; i < n; i++) b[i] ^= mask[(int) ((offset + i) & 3)];
    }

    /** Decodes text parts; a UTF-8 sequence split between two parts is carried over to the next one. */
    static final class Utf8Parts {
        private final CharsetDecoder d = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPLACE).onUnmappableCharacter(CodingErrorAction.REPLACE);
        private byte[] carry = new byte[0];

        String decode(byte[] b, int n, boolean last) {
            ByteBuffer in = ByteBuffer.allocate(carry.length + n);
            in.put(carry).put(b, 0, n).flip();
            CharBuffer out = CharBuffer.allocate(in.remaining() + 2);
            d.decode(in, out, last);
            if (last) {
                d.flush(out);
                d.reset();
            }
            carry = new byte[in.remaining()];
            in.get(carry);
            out.flip();
            return out.toString();
        }
    }

    static CloseReason.CloseCode closeCode(int code) {
        // 1005/1006/1015 are never sent on the wire
        if (code < 1000 || code > 4999 || code == 1005 || code == 1006 || code == 1015) return CloseReason.CloseCodes.NORMAL_CLOSURE;
        return CloseReason.CloseCodes.getCloseCode(code);
    }

    /** Browser closed: pass its code to the workspace, end. */
    @Override
    public void onClose(Session s, CloseReason reason) {
        if (closed.get()) {
            finish();
            return;
        }
        byte[] r = reason.getReasonPhrase() == null ? new byte[0] : reason.getReasonPhrase().getBytes(StandardCharsets.UTF_8);
        int code = reason.getCloseCode().getCode();
        if (code != 1005 && code != 1006 && code != 1015) {
            byte[] p = new byte[2 + Math.min(r.length, 123)];
            p[0] = (byte) (code >>> 8);
            p[1] = (byte) code;
            System.arraycopy(r, 0, p, 2, p.length - 2);
            try {
                synchronized (toWorkspace) {
                    WsFrames.write(toWorkspace, true, WsFrames.CLOSE, p, 0, p.length);
                    toWorkspace.flush();
                }
            } catch (IOException ignored) {
                // the workspace is gone already
            }
        }
        closed.set(true);
        finish();
    }

    @Override
    public void onError(Session s, Throwable t) {
        LOG.fine(() -> "proxy relay " + base + ": " + t);
        close(CloseReason.CloseCodes.UNEXPECTED_CONDITION, "proxy error", true);
    }

    /** Ends the relay once: the browser gets {@code code} (1001 for idle and shutdown), the workspace connection closes. */
    void close(CloseReason.CloseCode code, String reason, boolean toWorkspaceToo) {
        if (!closed.compareAndSet(false, true)) return;
        Session s = session;
        if (s != null && s.isOpen()) {
            try {
                s.close(new CloseReason(code, reason.length() > 120 ? reason.substring(0, 120) : reason));
            } catch (IOException | RuntimeException ignored) {
                // already closing
            }
        }
        finish();
    }

    private void finish() {
        upstream.close();
        bridges.closed(this);
    }

    boolean isClosed() { return closed.get(); }
}
