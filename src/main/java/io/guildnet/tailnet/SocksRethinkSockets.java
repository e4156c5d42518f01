package io.guildnet.tailnet;

import com.rethinkdb.gen.exc.ReqlDriverError;
import com.rethinkdb.net.ConnectionSocket;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * RethinkDB driver sockets through a cluster's connector (its SOCKS5 proxy), for
 * {@code Connection.Builder.socketFactory}. Same behaviour as the 2.4.4 driver's default socket
 * (exact reads in little-endian buffers, NUL-terminated handshake strings with a deadline, optional TLS);
 * loopback addresses (a port-forward's local end) are dialled directly.
 */
public final class SocksRethinkSockets implements ConnectionSocket.Factory {

    private final Proxy socks;
    private final boolean directLoopback;

    public SocksRethinkSockets(Proxy socks) {
        this(socks, true);
    }

    /** {@code directLoopback=false} sends loopback targets through the proxy too (tests with loopback-only servers). */
    public SocksRethinkSockets(Proxy socks, boolean directLoopback) {
        this.socks = socks;
        this.directLoopback = directLoopback;
    }

    @Override
    public ConnectionSocket newSocket(String host, int port, SSLContext ssl, Long timeoutMs) {
        boolean local;
        try {
            // IP literals only: a name is never resolved here (the tailnet resolves it, through the proxy)
            local = directLoopback && (host.equals("localhost")
                    || ((host.matches("[0-9.]+") || host.indexOf(':') >= 0) && InetAddress.getByName(host).isLoopbackAddress()));
        } catch (IOException e) {
            local = false;
        }
        Socket s = local ? new Socket() : new Socket(socks);
        int timeout = timeoutMs == null ? 0 : (int) Math.min(Integer.MAX_VALUE, timeoutMs);
        try {
            s.connect(local ? new InetSocketAddress(host, port) : InetSocketAddress.createUnresolved(host, port), timeout);
            s.setTcpNoDelay(true);
            s.setKeepAlive(true);
            if (ssl != null) {
                SSLSocket t = (SSLSocket) ssl.getSocketFactory().createSocket(s, host, port, true);
                t.startHandshake();
                s = t;
            }
            return new Wrapper(s);
        } catch (IOException e) {
            try {
                s.close();
            } catch (IOException ignored) {
                // failing anyway
            }
            throw new ReqlDriverError("Connection timed out or refused (via the tailnet connector): " + e.getMessage(), e);
        }
    }

    private static final class Wrapper implements ConnectionSocket {
        private final Socket socket;
        private final InputStream in;
        private final OutputStream out;

        Wrapper(Socket socket) throws IOException {
            this.socket = socket;
            this.in = socket.getInputStream();
            this.out = socket.getOutputStream();
        }

        @Override
        public boolean isOpen() { return socket.isConnected() && !socket.isClosed(); }

        @Override
        public void close() {
            try {
                socket.close();
            } catch (IOException ignored) {
                // closing
            }
        }

        @Override
        public void write(ByteBuffer buffer) {
            try {
                buffer.flip();
                out.write(buffer.array()); // as the driver's own socket: the whole backing array
            } catch (IOException e) {
                throw new ReqlDriverError(e);
            }
        }

        @Override
        public ByteBuffer read(int n) {
            try {
                byte[] b = new byte[n];
                int got = 0;
                while (got < n) {
                    int r = in.read(b, got, n - got);
                    if (r == -1) throw new ReqlDriverError("Reached the end of the read stream.");
                    got += r;
                }
                return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
            } catch (IOException e) {
                throw new ReqlDriverError(e);
            }
        }

        @Override
        public String readCString(Long timeoutMs) {
            int old;
            try {
                old = socket.getSoTimeout();
                if (timeoutMs != null) socket.setSoTimeout((int) Math.max(1, Math.min(Integer.MAX_VALUE, timeoutMs)));
                StringBuilder sb = new StringBuilder();
                try {
                    while (true) {
                        int c = in.read();
                        if (c == -1) throw new ReqlDriverError("Reached the end of the read stream.");
                        if (c == 0) return sb.toString();
                        sb.append((char) c);
                    }
                } finally {
                    socket.setSoTimeout(old);
                }
            } catch (java.net.SocketTimeoutException e) {
                throw new ReqlDriverError("Read timed out.");
            } catch (IOException e) {
                throw new ReqlDriverError(e);
            }
        }
    }
}
