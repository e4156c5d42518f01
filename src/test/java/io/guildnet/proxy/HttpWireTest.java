package io.guildnet.proxy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class HttpWireTest {

    static InputStream in(String s) {
        return new ByteArrayInputStream(s.getBytes(StandardCharsets.ISO_8859_1));
    }

    static String rest(InputStream in) throws IOException {
        return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
    }

    /** Delivers at most {@code step} bytes per read and reports nothing beyond that as available. */
    static final class Trickle extends InputStream {
        private final byte[] data;
        private final int step;
        private int pos;

        Trickle(String s, int step) {
            this.data = s.getBytes(StandardCharsets.ISO_8859_1);
            this.step = step;
        }

        @Override public int read() {
            return pos < data.length ? data[pos++] & 0xff : -1;
        }

        @Override public int read(byte[] b, int off, int len) {
            if (len == 0) return 0;
            if (pos >= data.length) return -1;
            int n = Math.min(Math.min(len, step), data.length - pos);
            System.arraycopy(data, pos, b, off, n);
            pos += n;
            return n;
        }

        @Override public int available() { return data.length - pos; }
    }

    // ---- response heads

    @Test
    void parsesStatusReasonAndHeadersLeavingTheBody() throws IOException {
        InputStream s = in("HTTP/1.1 404 Not Found\r\nContent-Type: text/plain\r\nX-A:  spaced  \r\nx-a: 2\r\n\r\nbody");
        HttpWire.ResponseHead h = HttpWire.readResponseHead(s);
        assertEquals("HTTP/1.1", h.version());
        assertEquals(404, h.status());
        assertEquals("Not Found", h.reason());
        assertEquals("text/plain", h.headers().first("content-type"));
        assertEquals(List.of("spaced", "2"), h.headers().all("X-A"));
        assertEquals("body", rest(s));
    }

    @Test
    void reasonMayBeEmptyOrContainSpaces() throws IOException {
        assertEquals("", HttpWire.readResponseHead(in("HTTP/1.1 204\r\n\r\n")).reason());
        assertEquals("", HttpWire.readResponseHead(in("HTTP/1.1 204 \r\n\r\n")).reason());
        HttpWire.ResponseHead h = HttpWire.readResponseHead(in("HTTP/1.0 101 Switching Protocols\r\n\r\n"));
        assertEquals(101, h.status());
        assertEquals("Switching Protocols", h.reason());
        assertEquals("HTTP/1.0", h.version());
    }

    @Test
    void lfOnlyLinesAccepted() throws IOException {
        InputStream s = in("HTTP/1.1 200 OK\nA: 1\nB: 2\n\nrest");
        HttpWire.ResponseHead h = HttpWire.readResponseHead(s);
        assertEquals(200, h.status());
        assertEquals("1", h.headers().first("A"));
        assertEquals("2", h.headers().first("B"));
        assertEquals("rest", rest(s));
    }

    @Test
    void foldedHeaderJoinedToThePreviousOne() throws IOException {
        HttpWire.ResponseHead h = HttpWire.readResponseHead(in("HTTP/1.1 200 OK\r\nX-Long: a\r\n  b\r\n\tc\r\nY: 1\r\n\r\n"));
        assertEquals(List.of("a b c"), h.headers().all("X-Long"));
        assertEquals("1", h.headers().first("Y"));
    }
    @Test
    void foldedHeaderKeepsEarlierHeadersOfTheSameName() throws IOException {
        HttpWire.ResponseHead h = HttpWire.readResponseHead(in("HTTP/1.1 200 OK\r\nSet-Cookie: a=1\r\nSet-Cookie: b=2;\r\n Path=/\r\n\r\n"));
        assertEquals(List.of("a=1", "b=2; Path=/"), h.headers().all("Set-Cookie"));
    }

    @Test
    void eofBeforeAnyByteIsEof() {
        assertThrows(EOFException.class, () -> HttpWire.readResponseHead(in("")));
    }

    @Test
    void eofInsideTheHeadIsEof() {
        assertThrows(EOFException.class, () -> HttpWire.readResponseHead(in("HTTP/1.1 200 OK\r\nA: 1\r\n")));
        assertThrows(EOFException.class, () -> HttpWire.readResponseHead(in("HTTP/1.1 20")));
    }

    @Test
    void malformedHeadsRejected() {
        for (String bad : List.of("HELLO\r\n\r\n", "SSH-2.0-OpenSSH\r\n\r\n", "HTTP/1.1 abc OK\r\n\r\n", "HTTP/1.1\r\n\r\n",
                "HTTP/1.1 200 OK\r\nno colon here\r\n\r\n", "HTTP/1.1 200 OK\r\n: empty name\r\n\r\n")) {
            IOException e = assertThrows(IOException.class, () -> HttpWire.readResponseHead(in(bad)), bad);
            assertFalse(e instanceof EOFException, bad);
        }
    }
    @Test
    void statusCodeMustBeThreeDigits() {
        for (String bad : List.of("HTTP/1.1 -200 OK\r\n\r\n", "HTTP/1.1 99999 Big\r\n\r\n", "HTTP/1.1 0 Zero\r\n\r\n", "HTTP/1.1 +200 OK\r\n\r\n")) {
            assertThrows(IOException.class, () -> HttpWire.readResponseHead(in(bad)), bad);
        }
    }

    @Test
    void tooLargeHeadRejected() {
        StringBuilder b = new StringBuilder("HTTP/1.1 200 OK\r\n");
        for (int i = 0; i < 2000; i++) b.append("X-Header-").append(i).append(": ").append("v".repeat(30)).append("\r\n");
        b.append("\r\n");
        IOException e = assertThrows(IOException.class, () -> HttpWire.readResponseHead(in(b.toString())));
        assertTrue(e.getMessage().contains("larger"), e.getMessage());
    }

    @Test
    void tooLongSingleLineRejected() {
        String s = "HTTP/1.1 200 OK\r\nX: " + "v".repeat(HttpWire.MAX_HEAD_BYTES + 10) + "\r\n\r\n";
        assertThrows(IOException.class, () -> HttpWire.readResponseHead(in(s)));
    }

    @Test
    void headJustUnderTheLimitAccepted() throws IOException {
        String s = "HTTP/1.1 200 OK\r\nX: " + "v".repeat(HttpWire.MAX_HEAD_BYTES - 100) + "\r\n\r\n";
        assertEquals(HttpWire.MAX_HEAD_BYTES - 100, HttpWire.readResponseHead(in(s)).headers().first("X").length());
    }

    @Test
    void requestHeadWrittenWithoutLineBreakInjection() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        HeaderList h = new HeaderList().add("Host", "a:1").add("X-Evil", "x\r\nInjected: 1").add("Accept", "*/*");
        HttpWire.writeRequestHead(out, "GET", "/p?q=1", h);
        assertEquals("GET /p?q=1 HTTP/1.1\r\nHost: a:1\r\nAccept: */*\r\n\r\n", out.toString(StandardCharsets.ISO_8859_1));
    }

    // ---- bodies

    @Test
    void chunkedWithExtensionsAndTrailers() throws IOException {
        InputStream raw = in("4;name=val\r\nWiki\r\n5 ; x\r\npedia\r\nE\r\n in\r\n\r\nchunks.\r\n0;last\r\nX-Trailer: t\r\n\r\nNEXT");
        HttpWire.Body b = HttpWire.chunked(raw);
        assertEquals("Wikipedia in\r\n\r\nchunks.", rest(b));
        assertTrue(b.complete());
        assertTrue(b.reusable());
        assertEquals("NEXT", rest(raw), "the trailers are consumed, the next response is left");
    }

    @Test
    void chunkedCompleteOnlyAtTheEnd() throws IOException {
        HttpWire.Body b = HttpWire.chunked(in("3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n"));
        assertFalse(b.complete());
        byte[] buf = new byte[3];
        assertEquals(3, b.read(buf));
        assertFalse(b.complete());
        assertEquals(2, b.read(buf));
        assertFalse(b.complete(), "the last chunk was not read yet");
        assertFalse(b.reusable());
        assertEquals(-1, b.read(buf));
        assertTrue(b.complete());
        assertEquals(-1, b.read());
    }

    @Test
    void chunkedSingleByteReads() throws IOException {
        HttpWire.Body b = HttpWire.chunked(in("2\r\n\u00ff\u0001\r\n0\r\n\r\n"));
        assertEquals(0xff, b.read());
        assertEquals(1, b.read());
        assertEquals(-1, b.read());
        assertTrue(b.complete());
    }

    @Test
    void chunkedAvailableNeverCrossesAChunk() throws IOException {
        HttpWire.Body b = HttpWire.chunked(in("3\r\nabc\r\n4\r\ndefg\r\n0\r\n\r\n"));
        assertEquals(0, b.available(), "before the first chunk size was read");
        assertEquals('a', b.read());
        assertEquals(2, b.available());
        byte[] buf = new byte[100];
        assertEquals(2, b.read(buf, 0, 100), "a read stops at the chunk boundary");
        assertEquals(0, b.available());
        assertEquals(4, b.read(buf, 0, 100));
        assertEquals("defg", new String(buf, 0, 4, StandardCharsets.ISO_8859_1));
    }

    @Test
    void chunkedUppercaseHexAndLargeChunk() throws IOException {
        byte[] data = new byte[0x1A2B];
        new Random(1).nextBytes(data);
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        wire.writeBytes("1A2B\r\n".getBytes(StandardCharsets.ISO_8859_1));
        wire.writeBytes(data);
        wire.writeBytes("\r\n0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
        HttpWire.Body b = HttpWire.chunked(new ByteArrayInputStream(wire.toByteArray()));
        assertArrayEquals(data, b.readAllBytes());
        assertTrue(b.complete());
    }

    @Test
    void chunkedOverTrickleStream() throws IOException {
        HttpWire.Body b = HttpWire.chunked(new Trickle("a\r\n0123456789\r\n1\r\nX\r\n0\r\n\r\n", 3));
        assertEquals("0123456789X", rest(b));
        assertTrue(b.complete());
    }

    @Test
    void chunkedMalformedRejected() {
        assertThrows(IOException.class, () -> rest(HttpWire.chunked(in("zz\r\nabc\r\n0\r\n\r\n"))));
        assertThrows(IOException.class, () -> rest(HttpWire.chunked(in("-3\r\nabc\r\n0\r\n\r\n"))));
        assertThrows(IOException.class, () -> rest(HttpWire.chunked(in("3\r\nabcX\r\n0\r\n\r\n"))), "missing CRLF after the data");
        assertThrows(IOException.class, () -> rest(HttpWire.chunked(in("FFFFFFFFFFFFFFFFFF\r\n"))));
    }

    @Test
    void chunkedCutShortIsEofNotComplete() {
        HttpWire.Body b = HttpWire.chunked(in("a\r\nabc"));
        assertThrows(EOFException.class, () -> rest(b));
        assertFalse(b.complete());
        HttpWire.Body noLast = HttpWire.chunked(in("3\r\nabc\r\n"));
        assertThrows(EOFException.class, () -> rest(noLast));
        assertFalse(noLast.reusable());
    }

    @Test
    void fixedLengthReadsExactlyAndLeavesTheRest() throws IOException {
        InputStream raw = in("helloNEXT");
        HttpWire.Body b = HttpWire.fixed(raw, 5);
        assertFalse(b.complete());
        assertEquals(5, b.available());
        assertEquals("hello", rest(b));
        assertTrue(b.complete());
        assertTrue(b.reusable());
        assertEquals(-1, b.read());
        assertEquals("NEXT", rest(raw));
    }

    @Test
    void fixedZeroLengthIsComplete() throws IOException {
        HttpWire.Body b = HttpWire.fixed(in("NEXT"), 0);
        assertTrue(b.complete());
        assertEquals(-1, b.read());
        assertEquals(0, b.available());
    }

    @Test
    void fixedLengthEarlyEofThrows() {
        HttpWire.Body b = HttpWire.fixed(in("abc"), 10);
        EOFException e = assertThrows(EOFException.class, () -> rest(b));
        assertTrue(e.getMessage().contains("7"), e.getMessage());
        assertFalse(b.complete());
        assertFalse(b.reusable());
        HttpWire.Body one = HttpWire.fixed(in(""), 1);
        assertThrows(EOFException.class, one::read);
    }

    @Test
    void untilCloseIsNeverReusable() throws IOException {
        HttpWire.Body b = HttpWire.untilClose(in("all of it"));
        assertFalse(b.complete());
        assertFalse(b.reusable());
        assertEquals("all of it", rest(b));
        assertTrue(b.complete());
        assertFalse(b.reusable());
    }

    @Test
    void emptyBodyIsComplete() throws IOException {
        HttpWire.Body b = HttpWire.empty();
        assertTrue(b.complete());
        assertTrue(b.reusable());
        assertEquals(-1, b.read());
    }

    @Test
    void chunkedOutputRoundTrips() throws IOException {
        byte[] data = new byte[70_000];
        new Random(7).nextBytes(data);
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        HttpWire.ChunkedOutput out = new HttpWire.ChunkedOutput(wire);
        out.write(data, 0, 1);
        out.write(data, 1, 0);
        out.write(data, 1, 16_383);
        out.write(data[16_384]);
        out.write(data, 16_385, data.length - 16_385);
        out.close();
        wire.writeBytes("NEXT".getBytes(StandardCharsets.ISO_8859_1));
        InputStream raw = new ByteArrayInputStream(wire.toByteArray());
        HttpWire.Body b = HttpWire.chunked(raw);
        assertArrayEquals(data, b.readAllBytes());
        assertTrue(b.complete());
        assertEquals("NEXT", rest(raw));
    }

    @Test
    void chunkedOutputFormat() throws IOException {
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        HttpWire.ChunkedOutput out = new HttpWire.ChunkedOutput(wire);
        out.write("hello world, 26 bytes long".getBytes(StandardCharsets.ISO_8859_1));
        out.write(new byte[0]);
        out.close();
        assertEquals("1a\r\nhello world, 26 bytes long\r\n0\r\n\r\n", wire.toString(StandardCharsets.ISO_8859_1));
    }

    @Test
    void emptyChunkedOutputIsJustTheLastChunk() throws IOException {
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        new HttpWire.ChunkedOutput(wire).close();
        HttpWire.Body b = HttpWire.chunked(new ByteArrayInputStream(wire.toByteArray()));
        assertEquals(-1, b.read());
        assertTrue(b.complete());
    }
}
