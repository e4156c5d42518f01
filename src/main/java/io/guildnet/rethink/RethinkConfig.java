package io.guildnet.rethink;

import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;

/** The RethinkDB knobs (docs/configuration.md), read once at start-up. */
public record RethinkConfig(boolean memory, String serviceName, String namespace, boolean debugPrincipal, int feedQueue,
                            Duration feedGrace, Duration heartbeat, Duration connectTimeout, Duration queryTimeout, Duration monitorPeriod) {

    public static RethinkConfig from(Function<String, Optional<String>> lookup) {
        String backend = lookup.apply("guildnet.rdb.backend").map(s -> s.trim().toLowerCase(Locale.ROOT)).filter(s -> !s.isEmpty()).orElse("driver");
        if (!backend.equals("driver") && !backend.equals("memory")) {
            throw new IllegalArgumentException("GUILDNET_RDB_BACKEND must be 'driver' or 'memory', got '" + backend + "'");
        }
        long hb = num(lookup, "guildnet.rdb.heartbeat.seconds", 15, 1, 20);
        return new RethinkConfig(backend.equals("memory"),
                lookup.apply("rethinkdb.service.name").map(String::trim).filter(s -> !s.isEmpty()).orElse("rethinkdb"),
                lookup.apply("rethinkdb.namespace").map(String::trim).filter(s -> !s.isEmpty()).orElse(null),
                lookup.apply("guildnet.rdb.debug.principal").map(String::trim).map(v -> v.equals("1") || v.equalsIgnoreCase("true")).orElse(false),
                (int) num(lookup, "guildnet.rdb.feed.queue", 1024, 16, 1_000_000),
                Duration.ofSeconds(num(lookup, "guildnet.rdb.feed.grace.seconds", 5, 0, 3600)),
                Duration.ofSeconds(hb),
                Duration.ofMillis(num(lookup, "guildnet.rdb.connect.timeout.ms", 3000, 100, 60_000)),
                Duration.ofMillis(num(lookup, "guildnet.rdb.query.timeout.ms", 10_000, 100, 600_000)),
                Duration.ofMillis(num(lookup, "guildnet.rdb.monitor.ms", 5000, 100, 600_000)));
    }

    private static long num(Function<String, Optional<String>> lookup, String key, long dflt, long min, long max) {
        Optional<String> raw = lookup.apply(key).map(String::trim).filter(s -> !s.isEmpty());
        if (raw.isEmpty()) return dflt;
        try {
            long v = Long.parseLong(raw.get());
            if (v < min || v > max) throw new NumberFormatException();
            return v;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key.toUpperCase(Locale.ROOT).replace('.', '_') + " must be a whole number from " + min + " to " + max
                    + ", got '" + raw.get() + "'");
        }
    }
}
