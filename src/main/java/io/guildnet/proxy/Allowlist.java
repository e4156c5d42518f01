package io.guildnet.proxy;

import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Raw proxy targets ({@code /proxy?to=} and {@code /proxy/host:port/...}) the operator allowed:
 * CIDR blocks ({@code 127.0.0.0/8}, {@code fd7a:115c::/48}) and exact {@code host:port} entries.
 * A host name matches only an exact {@code host:port} entry; it is never resolved to check a
 * CIDR (a DNS answer could otherwise point an allowed name anywhere — or an allowed block at a name).
 */
public final class Allowlist {

    private record Cidr(byte[] net, int bits) {}

    private final List<Cidr> cidrs = new ArrayList<>();
    private final List<String> hostPorts = new ArrayList<>();
    private final List<String> entries = new ArrayList<>();

    private Allowlist() {}

    public static Allowlist empty() { return new Allowlist(); }

    /** Parses a comma- or whitespace-separated list; throws IllegalArgumentException naming a bad entry. */
    public static Allowlist parse(String spec) {
        Allowlist a = new Allowlist();
        if (spec == null) return a;
        for (String raw : spec.split("[,\\s]+")) {
            String e = raw.trim();
            if (e.isEmpty()) continue;
            a.add(e);
        }
        return a;
    }

    public Allowlist merge(Allowlist other) {
        Allowlist a = new Allowlist();
        a.cidrs.addAll(cidrs);
        a.cidrs.addAll(other.cidrs);
        a.hostPorts.addAll(hostPorts);
        a.hostPorts.addAll(other.hostPorts);
        a.entries.addAll(entries);
        a.entries.addAll(other.entries);
        return a;
    }

    private void add(String e) {
        int slash = e.indexOf('/');
        if (slash > 0) {
            String addr = e.substring(0, slash);
            int bits;
            try {
                bits = Integer.parseInt(e.substring(slash + 1));
            } catch (NumberFormatException x) {
                throw new IllegalArgumentException("bad allowlist entry '" + e + "': prefix length is not a number");
            }
            byte[] net = literal(addr);
            if (net == null) throw new IllegalArgumentException("bad allowlist entry '" + e + "': not an IP address");
            if (bits < 0 || bits > net.length * 8) throw new IllegalArgumentException("bad allowlist entry '" + e + "': prefix length out of range");
            cidrs.add(new Cidr(net, bits));
        } else {
            HostPort hp = HostPort.parse(e);
            hostPorts.add(hp.host().toLowerCase(Locale.ROOT) + ":" + hp.port());
        }
        entries.add(e);
    }

    public List<String> entries() { return List.copyOf(entries); }

    public boolean isEmpty() { return entries.isEmpty(); }

    public boolean allows(String host, int port) {
        String h = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        if (hostPorts.contains(h.toLowerCase(Locale.ROOT) + ":" + port)) return true;
        byte[] ip = literal(h);
        if (ip == null) return false;
        for (Cidr c : cidrs) if (c.net.length == ip.length && inPrefix(ip, c.net, c.bits)) return true;
        return false;
    }

    private static boolean inPrefix(byte[] ip, byte[] net, int bits) {
        if (bits == 0) return true;
        BigInteger mask = BigInteger.ONE.shiftLeft(ip.length * 8).subtract(BigInteger.ONE)
                .shiftRight(bits).not();
        BigInteger a = new BigInteger(1, ip).and(mask);
        BigInteger b = new BigInteger(1, net).and(mask);
        return a.equals(b);
    }

    /** The bytes of an IP literal, or null for anything that is not one (names are never resolved). */
    static byte[] literal(String s) {
        if (s.isEmpty()) return null;
        boolean v4 = s.chars().allMatch(c -> Character.isDigit(c) || c == '.');
        boolean v6 = s.indexOf(':') >= 0 && s.chars().allMatch(c -> Character.digit(c, 16) >= 0 || c == ':' || c == '.');
        if (v4) {
            String[] p = s.split("\\.", -1);
            if (p.length != 4) return null;
            byte[] b = new byte[4];
            for (int i = 0; i < 4; i++) {
                if (p[i].isEmpty() || p[i].length() > 3) return null;
                int v = Integer.parseInt(p[i]);
                if (v > 255) return null;
                b[i] = (byte) v;
            }
            return b;
        }
        if (!v6) return null;
        try {
            // only a literal reaches here, so this never performs a DNS lookup
            return InetAddress.getByName(s).getAddress();
        } catch (UnknownHostException e) {
            return null;
        }
    }

    /** A validated {@code host:port} (port 1..65535; IPv6 in brackets). */
    public record HostPort(String host, int port) {
        public static HostPort parse(String s) {
            String t = s.trim();
            String host;
            String portStr;
            if (t.startsWith("[")) {
                int end = t.indexOf(']');
                if (end < 0 || end + 1 >= t.length() || t.charAt(end + 1) != ':') throw new IllegalArgumentException("'" + s + "' is not host:port");
                host = t.substring(1, end);
                portStr = t.substring(end + 2);
            } else {
                int c = t.lastIndexOf(':');
                if (c <= 0 || t.indexOf(':') != c) throw new IllegalArgumentException("'" + s + "' is not host:port");
                host = t.substring(0, c);
                portStr = t.substring(c + 1);
            }
            if (!host.matches("[A-Za-z0-9._:%-]+")) throw new IllegalArgumentException("'" + s + "' has an invalid host");
            int port;
            try {
                port = Integer.parseInt(portStr);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("'" + s + "' has an invalid port");
            }
            if (port < 1 || port > 65535) throw new IllegalArgumentException("'" + s + "' has a port outside 1..65535");
            return new HostPort(host, port);
        }
    }
}
