package io.guildnet.security;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.guildnet.config.ListenAddress;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPrivateKey;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TlsMaterialTest {

    private static final ListenAddress LISTEN = new ListenAddress("127.0.0.1", 9443);

    /** Two distinct PEM pairs, generated once for the lookup-order tests. */
    @TempDir
    static Path pairs;

    static Path certA;
    static Path keyA;
    static Path certB;
    static Path keyB;

    @TempDir
    Path work;

    @TempDir
    Path home;

    @BeforeAll
    static void generatePemPairs() throws IOException {
        certA = pairs.resolve("a.crt");
        keyA = pairs.resolve("a.key");
        certB = pairs.resolve("b.crt");
        keyB = pairs.resolve("b.key");
        TlsMaterial.generateSelfSigned(certA, keyA, null);
        TlsMaterial.generateSelfSigned(certB, keyB, null);
        assertFalse(Arrays.equals(Files.readAllBytes(certA), Files.readAllBytes(certB)));
    }

    // ---- generation and reuse ---------------------------------------------------------------

    @Test
    void emptyWorkDirAndHomeGeneratesPrivateSelfSignedPairUnderState() throws Exception {
        TlsMaterial.Result r = TlsMaterial.ensure(work, home, LISTEN);

        Path certs = home.resolve("state").resolve("certs");
        assertTrue(r.generated());
        assertEquals(certs.resolve("server.crt"), r.certFile());
        assertEquals(certs.resolve("server.key"), r.keyFile());
        assertTrue(Files.isRegularFile(r.certFile()));
        assertTrue(Files.isRegularFile(r.keyFile()));
        assertEquals(PosixFilePermissions.fromString("rw-------"), Files.getPosixFilePermissions(r.certFile()));
        assertEquals(PosixFilePermissions.fromString("rw-------"), Files.getPosixFilePermissions(r.keyFile()));
        assertEquals(PosixFilePermissions.fromString("rw-------"), Files.getPosixFilePermissions(r.keystore()));
        assertEquals(PosixFilePermissions.fromString("rw-------"),
                Files.getPosixFilePermissions(certs.resolve("guildnet-tls.pass")));
        assertEquals(PosixFilePermissions.fromString("rwx------"), Files.getPosixFilePermissions(certs));
        assertTrue(Files.readString(r.keyFile()).startsWith("-----BEGIN PRIVATE KEY-----"));
        assertFalse(Files.exists(work.resolve("certs")), "nothing written into the work dir");
    }

    @Test
    void generatedCertificateCoversLocalhostAndBothLoopbackAddresses() throws Exception {
        TlsMaterial.Result r = TlsMaterial.ensure(work, home, LISTEN);

        List<String> sans = TlsMaterial.subjectAltNames(readCert(r.certFile()));

        assertTrue(sans.contains("localhost"), sans.toString());
        assertTrue(sans.contains("127.0.0.1"), sans.toString());
        assertTrue(sans.stream().anyMatch(TlsMaterialTest::isIpv6Loopback), sans.toString());
    }

    @Test
    void launchFileNamesKeystoreAndListenAddress() throws Exception {
        TlsMaterial.Result r = TlsMaterial.ensure(work, home, new ListenAddress("::1", 9555));

        assertEquals(home.resolve("state").resolve("liberty-launch.xml"), r.launchFile());
        assertTrue(Files.isRegularFile(r.launchFile()));
        assertTrue(r.launchChanged());
        String xml = Files.readString(r.launchFile());
        assertTrue(xml.contains("location=\"" + r.keystore().toAbsolutePath() + "\""), xml);
        assertTrue(xml.contains("<variable name=\"guildnet.listen.host\" value=\"::1\"/>"), xml);
        assertTrue(xml.contains("<variable name=\"guildnet.listen.port\" value=\"9555\"/>"), xml);
        String password = Files.readString(home.resolve("state/certs/guildnet-tls.pass")).trim();
        assertTrue(xml.contains("password=\"" + password + "\""), xml);
    }

    @Test
    void secondEnsureReusesCertificateAndReportsNoLaunchChange() throws Exception {
        TlsMaterial.Result first = TlsMaterial.ensure(work, home, LISTEN);
        byte[] cert = Files.readAllBytes(first.certFile());
        byte[] key = Files.readAllBytes(first.keyFile());
        byte[] keystore = Files.readAllBytes(first.keystore());

        TlsMaterial.Result second = TlsMaterial.ensure(work, home, LISTEN);

        assertFalse(second.generated());
        assertFalse(second.launchChanged());
        assertEquals(first.certFile(), second.certFile());
        assertArrayEquals(cert, Files.readAllBytes(second.certFile()));
        assertArrayEquals(key, Files.readAllBytes(second.keyFile()));
        assertArrayEquals(keystore, Files.readAllBytes(second.keystore()), "keystore not rewritten");
    }

    @Test
    void changedListenAddressRewritesLaunchFile() throws Exception {
        TlsMaterial.ensure(work, home, LISTEN);

        TlsMaterial.Result r = TlsMaterial.ensure(work, home, new ListenAddress("0.0.0.0", 8443));

        assertTrue(r.launchChanged());
        assertFalse(r.generated());
        assertTrue(Files.readString(r.launchFile()).contains("value=\"8443\""));
    }

    @Test
    void keystoreLoadsWithPasswordFileAndHoldsGeneratedCertificate() throws Exception {
        TlsMaterial.Result r = TlsMaterial.ensure(work, home, LISTEN);

        KeyStore ks = loadKeystore(r);

        assertEquals(readCert(r.certFile()), ks.getCertificate(TlsMaterial.ALIAS));
        assertNotNull(ks.getKey(TlsMaterial.ALIAS, password()));
    }

    // ---- lookup order -----------------------------------------------------------------------

    @Test
    void serverPairInWorkDirWinsOverDevPair() throws Exception {
        installPair(certA, keyA, "server");
        installPair(certB, keyB, "dev");

        TlsMaterial.Result r = TlsMaterial.ensure(work, home, LISTEN);

        assertFalse(r.generated());
        assertEquals(work.resolve("certs/server.crt"), r.certFile());
        assertEquals(work.resolve("certs/server.key"), r.keyFile());
        assertEquals(readCert(certA), loadKeystore(r).getCertificate(TlsMaterial.ALIAS));
        assertFalse(Files.exists(home.resolve("state/certs/server.crt")), "no certificate generated");
    }

    @Test
    void devPairIsChosenWhenServerPairIsAbsent() throws Exception {
        installPair(certB, keyB, "dev");

        TlsMaterial.Result r = TlsMaterial.ensure(work, home, LISTEN);

        assertFalse(r.generated());
        assertEquals(work.resolve("certs/dev.crt"), r.certFile());
        assertEquals(work.resolve("certs/dev.key"), r.keyFile());
        assertEquals(readCert(certB), loadKeystore(r).getCertificate(TlsMaterial.ALIAS));
    }

    @Test
    void halfAPairIsIgnored() throws Exception {
        Files.createDirectories(work.resolve("certs"));
        Files.copy(certA, work.resolve("certs/server.crt")); // no server.key
        installPair(certB, keyB, "dev");

        TlsMaterial.Result r = TlsMaterial.ensure(work, home, LISTEN);

        assertEquals(work.resolve("certs/dev.crt"), r.certFile());
    }

    @Test
    void workDirPairWinsOverPreviouslyGeneratedPair() throws Exception {
        TlsMaterial.ensure(work, home, LISTEN); // generates into state/certs
        installPair(certA, keyA, "dev");

        TlsMaterial.Result r = TlsMaterial.ensure(work, home, LISTEN);

        assertEquals(work.resolve("certs/dev.crt"), r.certFile());
        assertEquals(readCert(certA), loadKeystore(r).getCertificate(TlsMaterial.ALIAS));
    }

    @Test
    void switchingSourcePairRebuildsKeystoreAndReportsLaunchChange() throws Exception {
        installPair(certB, keyB, "dev");
        TlsMaterial.ensure(work, home, LISTEN);
        installPair(certA, keyA, "server");

        TlsMaterial.Result r = TlsMaterial.ensure(work, home, LISTEN);

        assertTrue(r.launchChanged());
        assertEquals(work.resolve("certs/server.crt"), r.certFile());
        assertEquals(readCert(certA), loadKeystore(r).getCertificate(TlsMaterial.ALIAS));
    }

    @Test
    void unusablePairIsAnIoErrorNamingTheFile() throws Exception {
        Path certs = Files.createDirectories(work.resolve("certs"));
        Files.writeString(certs.resolve("server.crt"), "not a certificate");
        Files.writeString(certs.resolve("server.key"), "not a key");

        IOException e = assertThrows(IOException.class, () -> TlsMaterial.ensure(work, home, LISTEN));
        assertTrue(e.getMessage().contains(certs.resolve("server.crt").toString()), e.getMessage());
    }

    @Test
    void candidatesAreListedInLookupOrder() {
        List<Path[]> c = TlsMaterial.candidates(work, home);
        assertEquals(3, c.size());
        assertEquals(work.resolve("certs/server.crt"), c.get(0)[0]);
        assertEquals(work.resolve("certs/server.key"), c.get(0)[1]);
        assertEquals(work.resolve("certs/dev.crt"), c.get(1)[0]);
        assertEquals(work.resolve("certs/dev.key"), c.get(1)[1]);
        assertEquals(home.resolve("state/certs/server.crt"), c.get(2)[0]);
        assertEquals(home.resolve("state/certs/server.key"), c.get(2)[1]);
    }

    // ---- private key parsing ----------------------------------------------------------------

    @Test
    void parsesPkcs8PrivateKey() throws Exception {
        KeyPair kp = rsaKeyPair();
        PrivateKey parsed = TlsMaterial.parsePrivateKey(TlsMaterial.pem("PRIVATE KEY", kp.getPrivate().getEncoded()));
        assertSameRsaKey((RSAPrivateCrtKey) kp.getPrivate(), parsed);
    }

    @Test
    void parsesPkcs1RsaPrivateKey() throws Exception {
        KeyPair kp = rsaKeyPair();
        byte[] pkcs1 = pkcs8Payload(kp.getPrivate().getEncoded());
        assertEquals(0x30, pkcs1[0] & 0xff, "PKCS#1 RSAPrivateKey is a SEQUENCE");

        PrivateKey parsed = TlsMaterial.parsePrivateKey(TlsMaterial.pem("RSA PRIVATE KEY", pkcs1));

        assertSameRsaKey((RSAPrivateCrtKey) kp.getPrivate(), parsed);
    }

    @Test
    void parsesEcKeyAfterAnEcParametersBlock() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(256);
        KeyPair kp = g.generateKeyPair();
        String pem = "-----BEGIN EC PARAMETERS-----\nBggqhkjOPQMBBw==\n-----END EC PARAMETERS-----\n"
                + TlsMaterial.pem("PRIVATE KEY", kp.getPrivate().getEncoded());

        PrivateKey parsed = TlsMaterial.parsePrivateKey(pem);

        assertTrue(parsed instanceof ECPrivateKey);
        assertEquals(((ECPrivateKey) kp.getPrivate()).getS(), ((ECPrivateKey) parsed).getS());
    }

    @Test
    void parsesGeneratedKeyFile() throws Exception {
        PrivateKey parsed = TlsMaterial.parsePrivateKey(Files.readString(keyA));
        assertEquals("EC", parsed.getAlgorithm());
    }

    @Test
    void textWithoutAPrivateKeyIsRejected() {
        assertThrows(IllegalArgumentException.class, () -> TlsMaterial.parsePrivateKey("garbage"));
        assertThrows(IllegalArgumentException.class, () -> TlsMaterial.parsePrivateKey(""));
        assertThrows(IllegalArgumentException.class, () -> TlsMaterial.parsePrivateKey(
                TlsMaterial.pem("CERTIFICATE", new byte[] {1, 2, 3})));
    }

    @Test
    void privateKeyBlockWithGarbageBytesIsRejected() {
        byte[] garbage = "this is not DER at all".getBytes(StandardCharsets.US_ASCII);
        assertThrows(GeneralSecurityException.class,
                () -> TlsMaterial.parsePrivateKey(TlsMaterial.pem("PRIVATE KEY", garbage)));
    }

    @Test
    void pemWrapsBase64AtSixtyFourColumns() {
        String pem = TlsMaterial.pem("CERTIFICATE", new byte[100]);
        String[] lines = pem.split("\n");
        assertEquals("-----BEGIN CERTIFICATE-----", lines[0]);
        assertEquals(64, lines[1].length());
        assertEquals("-----END CERTIFICATE-----", lines[lines.length - 1]);
    }

    // ---- helpers ----------------------------------------------------------------------------

    private void installPair(Path cert, Path key, String name) throws IOException {
        Path dir = Files.createDirectories(work.resolve("certs"));
        Files.copy(cert, dir.resolve(name + ".crt"));
        Files.copy(key, dir.resolve(name + ".key"));
    }

    private char[] password() throws IOException {
        return Files.readString(home.resolve("state/certs/guildnet-tls.pass"), StandardCharsets.US_ASCII).trim()
                .toCharArray();
    }

    private KeyStore loadKeystore(TlsMaterial.Result r) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(r.keystore())) {
            ks.load(in, password());
        }
        return ks;
    }

    private static X509Certificate readCert(Path file) throws Exception {
        return (X509Certificate) CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(Files.readAllBytes(file)));
    }

    private static boolean isIpv6Loopback(String san) {
        if (!san.contains(":")) return false;
        try {
            InetAddress a = InetAddress.getByName(san); // a literal: no lookup
            return a instanceof java.net.Inet6Address && a.isLoopbackAddress();
        } catch (IOException e) {
            return false;
        }
    }

    private static KeyPair rsaKeyPair() throws GeneralSecurityException {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(2048);
        return g.generateKeyPair();
    }

    private static void assertSameRsaKey(RSAPrivateCrtKey expected, PrivateKey actual) {
        assertTrue(actual instanceof RSAPrivateKey, actual.getClass().getName());
        assertEquals(expected.getModulus(), ((RSAPrivateKey) actual).getModulus());
        assertEquals(expected.getPrivateExponent(), ((RSAPrivateKey) actual).getPrivateExponent());
    }

    /** The OCTET STRING payload of a PKCS#8 PrivateKeyInfo: SEQUENCE { INTEGER, SEQUENCE, OCTET STRING }. */
    private static byte[] pkcs8Payload(byte[] der) {
        int[] pos = {0};
        expectTag(der, pos, 0x30);
        readLength(der, pos);
        expectTag(der, pos, 0x02); // version
        int versionLength = readLength(der, pos);
        pos[0] += versionLength;
        expectTag(der, pos, 0x30); // AlgorithmIdentifier
        int algorithmLength = readLength(der, pos);
        pos[0] += algorithmLength;
        expectTag(der, pos, 0x04); // privateKey
        int len = readLength(der, pos);
        return Arrays.copyOfRange(der, pos[0], pos[0] + len);
    }

    private static void expectTag(byte[] der, int[] pos, int tag) {
        assertEquals(tag, der[pos[0]++] & 0xff, "DER tag at " + (pos[0] - 1));
    }

    private static int readLength(byte[] der, int[] pos) {
        int first = der[pos[0]++] & 0xff;
        if (first < 0x80) return first;
        int len = 0;
        for (int i = 0; i < (first & 0x7f); i++) len = (len << 8) | (der[pos[0]++] & 0xff);
        return len;
    }
}
