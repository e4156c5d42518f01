package io.guildnet.proxy;

import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * HTTP/1.1 framing for the upstream side of the proxy: request heads out, response heads in,
 * and the three body framings (Content-Length, chunked, until close). Bytes only; no buffering
 * of bodies.
 */
public final class HttpWire {

    /** A parsed response status line and headers. */
    public record ResponseHead(String version, int status, String reason, HeaderList headers) {}

    static final int MAX_HEAD_BYTES = 64 * 1024;

    private HttpWire() {}

    public static void writeRequestHead(OutputStream out, String method, String target, HeaderList headers) throws IOException {
        for (int i = 0; i < target.length(); i++) {
            char c = target.charAt(i);
            if (c <= 0x20 || c >= 0x7f) throw new IOException("request target contains a character a request line cannot carry");
        }
        StringBuilder b = new StringBuilder(256);
        b.append(method).append(' ').append(target).append(" HTTP/1.1\r\n");
        for (int i = 0; i < headers.size(); i++) {
            String v = headers.value(i);
            // a header value can never smuggle a line break upstream
            if (v.indexOf('\r') >= 0 || v.indexOf('\n') >= 0) continue;
            b.append(headers.name(i)).append(": ").append(v).append("\r\n");
        }
        b.append("\r\n");
        out.write(b.toString().getBytes(StandardCharsets.ISO_8859_1));
    }

    /** Reads one response head; EOFException when the connection closed before any byte. */
    public static ResponseHead readResponseHead(InputStream in) throws IOException {
        String status = readLine(in, true);
        if (status == null) throw new EOFException("upstream closed the connection before responding");
        // "HTTP/1.1 200 OK"
        int sp1 = status.indexOf(' ');
        if (sp1 < 0 || !status.startsWith("HTTP/")) throw new IOException("malformed status line from upstream: " + abbreviate(status));
        int sp2 = status.indexOf(' ', sp1 + 1);
        String code = sp2 < 0 ? status.substring(sp1 + 1) : status.substring(sp1 + 1, sp2);
        if (!code.matches("[1-9][0-9][0-9]")) throw new IOException("malformed status code from upstream: " + abbreviate(status));
        int st = Integer.parseInt(code);
        String reason = sp2 < 0 ? "" : status.substring(sp2 + 1);
        return new ResponseHead(status.substring(0, sp1), st, reason, readHeaders(in));
    }

    static HeaderList readHeaders(InputStream in) throws IOException {
        HeaderList h = new HeaderList();
        int total = 0;
        while (true) {
            String line = readLine(in, false);
            if (line == null) throw new EOFException("upstream closed the connection inside the response head");
            if (line.isEmpty()) return h;
            total += line.length();
            if (total > MAX_HEAD_BYTES) throw new IOException("upstream response head larger than " + MAX_HEAD_BYTES + " bytes");
            if ((line.charAt(0) == ' ' || line.charAt(0) == '\t') && h.size() > 0) {
                // obsolete line folding: join to the previous header
                int last = h.size() - 1;
                h.setValue(last, h.value(last) + " " + line.trim());
                continue;
            }
            int c = line.indexOf(':');
            if (c <= 0) throw new IOException("malformed header line from upstream: " + abbreviate(line));
            h.add(line.substring(0, c).trim(), line.substring(c + 1).trim());
        }
    }

    /** A CRLF- (or LF-) terminated ISO-8859-1 line; null at EOF before the first byte when allowed. */
    static String readLine(InputStream in, boolean eofOk) throws IOException {
        StringBuilder b = new StringBuilder(64);
        int n = 0;
        while (true) {
            int c = in.read();
            if (c < 0) {
                if (n == 0 && eofOk) return null;
                throw new EOFException("upstream closed the connection mid-line");
            }
            n++;
            if (c == '\n') {
                int len = b.length();
                if (len > 0 && b.charAt(len - 1) == '\r') b.setLength(len - 1);
                return b.toString();
            }
            if (n > MAX_HEAD_BYTES) throw new IOException("upstream header line too long");
            b.append((char) c);
        }
    }

    private static String abbreviate(String s) {
        return s.length() > 80 ? s.substring(0, 80) + "..." : s;
    }

    /** A body stream that knows whether it was read to its end (so the connection can be reused). */
    public abstract static class Body extends FilterInputStream {
        Body(InputStream in) { super(in); }

        /** True once the whole body was read. */
        public abstract boolean complete();

        /** Whether the connection can carry another exchange after this body. */
        public boolean reusable() { return complete(); }
    }

    public static Body empty() {
        return new Body(InputStream.nullInputStream()) {
            @Override public boolean complete() { return true; }
        };
    }

    /** Exactly {@code length} bytes. */
    public static Body fixed(InputStream in, long length) {
        return new Body(in) {
            long left = length;

            @Override public int read() throws IOException {
                if (left <= 0) return -1;
                int c = in.read();
                if (c < 0) throw new EOFException("upstream body ended " + left + " bytes early");
                left--;
                return c;
            }

            @Override public int read(byte[] b, int off, int len) throws IOException {
                if (left <= 0) return -1;
                int n = in.read(b, off, (int) Math.min(len, left));
                if (n < 0) throw new EOFException("upstream body ended " + left + " bytes early");
                left -= n;
                return n;
            }

            @Override public int available() throws IOException {
                return (int) Math.min(left, in.available());
            }

            @Override public boolean complete() { return left == 0; }
        };
    }

    /** Until the upstream closes; the connection can never be reused. */
    public static Body untilClose(InputStream in) {
        return new Body(in) {
            boolean done;

            @Override public int read() throws IOException {
                int c = in.read();
                if (c < 0) done = true;
                return c;
            }

            @Override public int read(byte[] b, int off, int len) throws IOException {
                int n = in.read(b, off, len);
                if (n < 0) done = true;
                return n;
            }

            @Override public boolean complete() { return done; }

            @Override public boolean reusable() { return false; }
        };
    }

    /** Decodes {@code Transfer-Encoding: chunked} (trailers are read and dropped). */
    public static Body chunked(InputStream in) {
        return new Body(in) {
            long left;       // bytes left in the current chunk
            boolean done;

            private boolean nextChunk() throws IOException {
                if (done) return false;
                String line = readLine(in, false);
                int semi = line.indexOf(';');
                String hex = (semi >= 0 ? line.substring(0, semi) : line).trim();
                long size;
                try {
                    size = Long.parseLong(hex, 16);
                } catch (NumberFormatException e) {
                    throw new IOException("malformed chunk size from upstream: " + abbreviate(line));
                }
                if (size < 0) throw new IOException("negative chunk size from upstream");
                if (size == 0) {
                    readHeaders(in); // trailers
                    done = true;
                    return false;
                }
                left = size;
                return true;
            }

            private void endChunk() throws IOException {
                if (left == 0) {
                    String crlf = readLine(in, false);
                    if (!crlf.isEmpty()) throw new IOException("missing CRLF after chunk from upstream");
                }
            }

            @Override public int read() throws IOException {
                byte[] one = new byte[1];
                int n = read(one, 0, 1);
                return n < 0 ? -1 : one[0] & 0xff;
            }

            @Override public int read(byte[] b, int off, int len) throws IOException {
                if (left == 0 && !nextChunk()) return -1;
                int n = in.read(b, off, (int) Math.min(len, left));
                if (n < 0) throw new EOFException("upstream closed the connection inside a chunk");
                left -= n;
                if (left == 0) endChunk();
                return n;
            }

            @Override public int available() throws IOException {
                return left == 0 ? 0 : (int) Math.min(left, in.available());
            }

            @Override public boolean complete() { return done; }
        };
    }

    /** Encodes a request body of unknown length as chunks; {@link #close()} writes the last chunk. */
    public static final class ChunkedOutput extends OutputStream {
        private final OutputStream out;

        public ChunkedOutput(OutputStream out) { this.out = out; }

        @Override public void write(int b) throws IOException { write(new byte[] {(byte) b}, 0, 1); }

        @Override public void write(byte[] b, int off, int len) throws IOException {
            if (len == 0) return;
            out.write((Integer.toHexString(len) + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
            out.write(b, off, len);
            out.write('\r');
            out.write('\n');
        }

        @Override public void flush() throws IOException { out.flush(); }

        /** Ends the body (does not close the connection). */
        @Override public void close() throws IOException {
            out.write("0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
        }
    }
}
