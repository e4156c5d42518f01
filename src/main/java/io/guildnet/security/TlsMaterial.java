package io.guildnet.security;

import io.guildnet.config.ListenAddress;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds or creates the Host App's TLS certificate and hands it to Liberty.
 *
 * <p>Lookup order: {@code ./certs/server.crt|key}, {@code ./certs/dev.crt|key},
 * {@code $GUILDNET_HOME/state/certs/server.crt|key}. When none exists a
 * self-signed certificate (SANs localhost, 127.0.0.1, ::1 and the host name) is
 * generated once into the last location and reused from then on. The chosen PEM
 * pair is converted to a PKCS#12 keystore and a Liberty include file
 * ({@code state/liberty-launch.xml}) that also carries the listen address.
 */
public final class TlsMaterial {

    private static final Logger LOG = Logger.getLogger(TlsMaterial.class.getName());
    static final String ALIAS = "guildnet";

    /** What was chosen and where Liberty reads it. */
    public record Result(Path certFile, Path keyFile, Path keystore, Path launchFile, boolean generated, boolean launchChanged) {}

    private TlsMaterial() {}

    /** The candidate PEM pairs in lookup order. */
    public static List<Path[]> candidates(Path workDir, Path home) {
        Path certs = workDir.resolve("certs");
        Path own = home.resolve("state").resolve("certs");
        return List.of(
                new Path[] {certs.resolve("server.crt"), certs.resolve("server.key")},
                new Path[] {certs.resolve("dev.crt"), certs.resolve("dev.key")},
                new Path[] {own.resolve("server.crt"), own.resolve("server.key")});
    }

    public static synchronized Result ensure(Path workDir, Path home, ListenAddress listen) throws IOException {
        Path certsDir = SecureFiles.privateDir(home.resolve("state").resolve("certs"));
        SecureFiles.privateDir(home);
        SecureFiles.privateDir(home.resolve("state"));
        Path[] chosen = null;
        for (Path[] pair : candidates(workDir, home)) {
            if (Files.isRegularFile(pair[0]) && Files.isRegularFile(pair[1])) {
                chosen = pair;
                break;
            }
        }
        boolean generated = false;
        if (chosen == null) {
            chosen = new Path[] {certsDir.resolve("server.crt"), certsDir.resolve("server.key")};
            generateSelfSigned(chosen[0], chosen[1], hostName());
            generated = true;
            LOG.info("Generated a self-signed TLS certificate at " + chosen[0] + " (SANs localhost, 127.0.0.1, ::1, host name)");
        }

        Path passFile = certsDir.resolve("guildnet-tls.pass");
        if (!Files.isRegularFile(passFile)) {
            SecureFiles.writeAtomically(passFile, randomPassword().getBytes(StandardCharsets.US_ASCII));
        }
        char[] password = Files.readString(passFile, StandardCharsets.US_ASCII).trim().toCharArray();
        Path keystore = certsDir.resolve("guildnet-tls.p12");
        byte[] p12;
        try {
            p12 = toPkcs12(Files.readString(chosen[0]), Files.readString(chosen[1]), password);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IOException("cannot use TLS certificate " + chosen[0] + " / " + chosen[1] + ": " + e.getMessage(), e);
        }
        // PKCS#12 output differs on every run (random salts): rewrite only when the PEM source changed.
        Path stamp = certsDir.resolve("guildnet-tls.source");
        String source = chosen[0].toAbsolutePath() + "\n" + chosen[1].toAbsolutePath() + "\n"
                + Files.getLastModifiedTime(chosen[0]).toMillis() + "\n" + Files.getLastModifiedTime(chosen[1]).toMillis() + "\n"
                + Files.size(chosen[0]) + "\n" + Files.size(chosen[1]) + "\n";
        boolean stale = !Files.isRegularFile(keystore) || !Files.isRegularFile(stamp)
                || !Files.readString(stamp).equals(source);
        if (stale) {
            SecureFiles.writeAtomically(keystore, p12);
            SecureFiles.writeAtomically(stamp, source.getBytes(StandardCharsets.UTF_8));
        }
        Path launch = home.resolve("state").resolve("liberty-launch.xml");
        String xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                + "<!-- Written by GuildNet at launch (io.guildnet.security.TlsMaterial); edits are overwritten. -->\n"
                + "<server>\n"
                + "    <keyStore id=\"defaultKeyStore\" type=\"PKCS12\" location=\"" + xmlAttr(keystore.toAbsolutePath().toString())
                + "\" password=\"" + xmlAttr(new String(password)) + "\" pollingRate=\"2s\" updateTrigger=\"polled\"/>\n"
                + "    <variable name=\"guildnet.listen.host\" value=\"" + xmlAttr(listen.host()) + "\"/>\n"
                + "    <variable name=\"guildnet.listen.port\" value=\"" + listen.port() + "\"/>\n"
                + "</server>\n";
        boolean changed = SecureFiles.writeIfChanged(launch, xml.getBytes(StandardCharsets.UTF_8)) || stale;
        return new Result(chosen[0], chosen[1], keystore, launch, generated, changed);
    }

    // ---- generation -------------------------------------------------------------------------

    static void generateSelfSigned(Path certFile, Path keyFile, String hostName) throws IOException {
        Path tmp = Files.createTempDirectory(certFile.getParent(), ".gen");
        try {
            Path ks = tmp.resolve("gen.p12");
            String pw = randomPassword();
            StringBuilder san = new StringBuilder("SAN=dns:localhost,ip:127.0.0.1,ip:::1");
            if (hostName != null && isDnsName(hostName) && !hostName.equalsIgnoreCase("localhost")) {
                san.append(",dns:").append(hostName);
            }
            Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
            List<String> cmd = List.of(keytool.toString(), "-genkeypair", "-alias", ALIAS,
                    "-keyalg", "EC", "-groupname", "secp256r1", "-sigalg", "SHA256withECDSA",
                    "-dname", "CN=GuildNet Host App", "-validity", "825",
                    "-ext", san.toString(), "-ext", "EKU=serverAuth", "-ext", "KU=digitalSignature",
                    "-keystore", ks.toString(), "-storetype", "PKCS12",
                    "-storepass:env", "GN_KS_PW", "-keypass:env", "GN_KS_PW", "-noprompt");
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
            pb.environment().put("GN_KS_PW", pw);
            Process p = pb.start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroyForcibly();
                throw new IOException("keytool failed to generate a certificate: " + out.trim());
            }
            KeyStore store = KeyStore.getInstance("PKCS12");
            try (var in = Files.newInputStream(ks)) {
                store.load(in, pw.toCharArray());
            }
            Key key = store.getKey(ALIAS, pw.toCharArray());
            Certificate cert = store.getCertificate(ALIAS);
            SecureFiles.writeAtomically(keyFile, pem("PRIVATE KEY", key.getEncoded()).getBytes(StandardCharsets.US_ASCII));
            SecureFiles.writeAtomically(certFile, pem("CERTIFICATE", cert.getEncoded()).getBytes(StandardCharsets.US_ASCII));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while generating a certificate", e);
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot read generated certificate: " + e.getMessage(), e);
        } finally {
            SecureFiles.deleteTree(tmp);
        }
    }

    static String hostName() {
        String h = System.getenv("HOSTNAME");
        if (h == null || h.isBlank()) {
            try {
                Path etc = Path.of("/etc/hostname");
                if (Files.isReadable(etc)) h = Files.readString(etc).trim();
            } catch (IOException ignored) {
                h = null;
            }
        }
        return h == null || h.isBlank() ? null : h.trim().toLowerCase(Locale.ROOT);
    }

    static boolean isDnsName(String h) {
        return h.length() <= 253 && h.matches("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*");
    }

    // ---- PEM -> PKCS#12 ---------------------------------------------------------------------

    private static final Pattern PEM_BLOCK = Pattern.compile(
            "-----BEGIN ([A-Z0-9 ]+)-----([A-Za-z0-9+/=\\s]+)-----END \\1-----");

    static byte[] toPkcs12(String certPem, String keyPem, char[] password) throws GeneralSecurityException, IOException {
        CertificateFactory cf = CertificateFactory.getInstance("X.509");
        Collection<? extends Certificate> chain = cf.generateCertificates(
                new ByteArrayInputStream(certPem.getBytes(StandardCharsets.US_ASCII)));
        if (chain.isEmpty()) throw new IllegalArgumentException("no certificate in PEM");
        PrivateKey key = parsePrivateKey(keyPem);
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setKeyEntry(ALIAS, key, password, chain.toArray(new Certificate[0]));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ks.store(out, password);
        return out.toByteArray();
    }

    /** Reads a PKCS#8, PKCS#1 (RSA) or SEC1 (EC) private key in PEM form. */
    static PrivateKey parsePrivateKey(String pem) throws GeneralSecurityException {
        Matcher m = PEM_BLOCK.matcher(pem);
        while (m.find()) {
            String type = m.group(1);
            byte[] der = Base64.getMimeDecoder().decode(m.group(2));
            switch (type) {
                case "PRIVATE KEY":
                    return pkcs8(der);
                case "RSA PRIVATE KEY":
                    return pkcs8(wrapPkcs8(der, Der.seq(Der.oid(RSA_OID), Der.NULL)));
                case "EC PRIVATE KEY":
                    return pkcs8(wrapPkcs8(der, Der.seq(Der.oid(EC_OID), Der.ecCurveOid(der))));
                default:
                    break; // e.g. "EC PARAMETERS" before the key: skip
            }
        }
        throw new IllegalArgumentException("no private key (PKCS#8, RSA or EC) in PEM");
    }

    private static final byte[] RSA_OID = {0x2a, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xf7, 0x0d, 0x01, 0x01, 0x01};
    private static final byte[] EC_OID = {0x2a, (byte) 0x86, 0x48, (byte) 0xce, 0x3d, 0x02, 0x01};

    private static PrivateKey pkcs8(byte[] der) throws GeneralSecurityException {
        PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(der);
        List<String> tried = new ArrayList<>();
        for (String alg : List.of("RSA", "EC", "Ed25519", "Ed448")) {
            try {
                return KeyFactory.getInstance(alg).generatePrivate(spec);
            } catch (GeneralSecurityException e) {
                tried.add(alg);
            }
        }
        throw new GeneralSecurityException("unsupported private key type (tried " + tried + ")");
    }

    private static byte[] wrapPkcs8(byte[] inner, byte[] algId) {
        return Der.seq(Der.INT0, algId, Der.octets(inner));
    }

    static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n"
                + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }

    static String randomPassword() {
        byte[] b = new byte[18];
        new SecureRandom().nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    private static String xmlAttr(String s) {
        return s.replace("&", "&amp;").replace("\"", "&quot;").replace("<", "&lt;").replace(">", "&gt;");
    }

    /** The subject alternative names of a certificate, as strings (for diagnostics and tests). */
    public static List<String> subjectAltNames(X509Certificate cert) throws GeneralSecurityException {
        List<String> out = new ArrayList<>();
        Collection<List<?>> sans = cert.getSubjectAlternativeNames();
        if (sans != null) for (List<?> e : sans) out.add(String.valueOf(e.get(1)));
        return out;
    }

    /** Minimal DER encoding/decoding for wrapping legacy key formats. */
    static final class Der {
        static final byte[] NULL = {0x05, 0x00};
        static final byte[] INT0 = {0x02, 0x01, 0x00};

        static byte[] tlv(int tag, byte[] value) {
            ByteArrayOutputStream o = new ByteArrayOutputStream();
            o.write(tag);
            int n = value.length;
            if (n < 0x80) {
                o.write(n);
            } else {
                byte[] len = BigInteger.valueOf(n).toByteArray();
                int off = len[0] == 0 ? 1 : 0;
                o.write(0x80 | (len.length - off));
                o.write(len, off, len.length - off);
            }
            o.write(value, 0, n);
            return o.toByteArray();
        }

        static byte[] seq(byte[]... parts) {
            ByteArrayOutputStream o = new ByteArrayOutputStream();
            for (byte[] p : parts) o.write(p, 0, p.length);
            return tlv(0x30, o.toByteArray());
        }

        static byte[] oid(byte[] body) { return tlv(0x06, body); }

        static byte[] octets(byte[] body) { return tlv(0x04, body); }

        /** Finds the curve OID in the [0] parameters of a SEC1 ECPrivateKey. */
        static byte[] ecCurveOid(byte[] sec1) {
            int[] pos = {0};
            expect(sec1, pos, 0x30);
            readLen(sec1, pos);
            while (pos[0] < sec1.length) {
                int tag = sec1[pos[0]++] & 0xff;
                int len = readLen(sec1, pos);
                if (tag == 0xa0) {
                    int start = pos[0];
                    if ((sec1[start] & 0xff) != 0x06) break;
                    int[] p2 = {start + 1};
                    int l2 = readLen(sec1, p2);
                    byte[] out = new byte[p2[0] - start + l2];
                    System.arraycopy(sec1, start, out, 0, out.length);
                    return out;
                }
                pos[0] += len;
            }
            throw new IllegalArgumentException("EC private key without named-curve parameters");
        }

        private static void expect(byte[] b, int[] pos, int tag) {
            if ((b[pos[0]++] & 0xff) != tag) throw new IllegalArgumentException("malformed DER");
        }

        private static int readLen(byte[] b, int[] pos) {
            int first = b[pos[0]++] & 0xff;
            if (first < 0x80) return first;
            int n = first & 0x7f;
            int len = 0;
            for (int i = 0; i < n; i++) len = (len << 8) | (b[pos[0]++] & 0xff);
            return len;
        }
    }
}
