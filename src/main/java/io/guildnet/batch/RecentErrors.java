package io.guildnet.batch;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;

/**
 * The Host App's (and its embedded operators') most recent warnings and errors, kept in memory
 * for guildnet-diagnose: a log handler on the {@code io.guildnet} and JOSDK loggers holding the
 * last {@code capacity} records, redacted as they arrive.
 */
public final class RecentErrors extends Handler {

    private final int capacity;
    private final Deque<String> lines = new ArrayDeque<>();

    public RecentErrors(int capacity) {
        this.capacity = capacity;
        setLevel(Level.WARNING);
    }

    @Override
    public void publish(LogRecord r) {
        if (r == null || r.getLevel().intValue() < Level.WARNING.intValue()) return;
        String msg = r.getMessage();
        if (r.getParameters() != null && msg != null && msg.contains("{0")) {
            try {
                msg = java.text.MessageFormat.format(msg, r.getParameters());
            } catch (IllegalArgumentException ignored) {
                // keep the raw message
            }
        }
        if (r.getThrown() != null) msg = msg + " (" + r.getThrown() + ")";
        String line = Instant.ofEpochMilli(r.getMillis()) + " " + r.getLevel() + " " + r.getLoggerName() + ": " + Redactor.text(msg);
        synchronized (lines) {
            lines.addLast(line);
            while (lines.size() > capacity) lines.removeFirst();
        }
    }

    /** The newest {@code limit} lines mentioning {@code filter} (all when null), oldest first. */
    public List<String> recent(String filter, int limit) {
        List<String> out = new ArrayList<>();
        synchronized (lines) {
            for (String l : lines) if (filter == null || l.contains(filter)) out.add(l);
        }
        return out.size() <= limit ? out : out.subList(out.size() - limit, out.size());
    }

    @Override
    public void flush() { }

    @Override
    public void close() { }
}
