package io.guildnet.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class TlsIT {

    static LibertyServer server;

    @BeforeAll
    static void start() throws Exception {
        server = LibertyServer.shared();
    }

    @Test
    void generatesASelfSignedCertificateWithLoopbackNamesWhenNoneExists() throws Exception {
        X509Certificate cert = server.certificate();
        List<String> sans = new ArrayList<>();
        for (List<?> e : cert.getSubjectAlternativeNames()) sans.add(String.valueOf(e.get(1)));
        assertTrue(sans.contains("localhost"), "SANs " + sans);
        assertTrue(sans.contains("127.0.0.1"), "SANs " + sans);
        assertTrue(sans.stream().anyMatch(s -> s.equals("0:0:0:0:0:0:0:1") || s.equals("::1")), "SANs " + sans);
        Path certs = server.home().resolve("state/certs");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(certs.resolve("server.key"))));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(certs)));
    }

    @Test
    void servesThatCertificateSoHostnameVerificationPassesForIpAndLocalhost() throws Exception {
        HttpClient c = server.newClient(); // trusts only server.crt, verifies host names
        for (var uri : List.of(server.uri("/healthz"), server.uriLocalhost("/healthz"))) {
            HttpResponse<String> r = c.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode(), uri.toString());
            assertEquals("ok", r.body());
        }
        assertArrayEquals(server.certificate().getEncoded(), peerCertificate().getEncoded(),
                "the TLS handshake must present state/certs/server.crt from the very first start");
    }

    @Test
    void plainHttpIsNotServed() throws Exception {
        try (Socket s = new Socket("127.0.0.1", server.port())) {
            s.setSoTimeout(5000);
            OutputStream out = s.getOutputStream();
            out.write("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            byte[] buf = new byte[64];
            int n;
            try {
                n = in.read(buf);
            } catch (java.io.IOException e) {
                n = -1;
            }
            String head = n <= 0 ? "" : new String(buf, 0, n, StandardCharsets.ISO_8859_1);
            assertFalse(head.startsWith("HTTP/1.1 200"), "plain HTTP must not be answered: " + head);
        }
    }

    static X509Certificate peerCertificate() throws Exception {
        return peerCertificateOf(server);
    }

    static X509Certificate peerCertificateOf(LibertyServer server) throws Exception {
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, new TrustManager[] {new X509TrustManager() {
            public void checkClientTrusted(X509Certificate[] c, String a) { }
            public void checkServerTrusted(X509Certificate[] c, String a) { }
            public X509Certificate[] getAcceptedIssuers() { return new X509Certificate[0]; }
        }}, null);
        try (SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket("127.0.0.1", server.port())) {
            s.startHandshake();
            Certificate[] chain = s.getSession().getPeerCertificates();
            return (X509Certificate) chain[0];
        }
    }
}
