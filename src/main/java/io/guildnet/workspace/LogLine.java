package io.guildnet.workspace;

import java.time.Instant;

/**
 * One line of a pod log read with {@code timestamps=true}: the kubelet's RFC 3339 timestamp
 * and the text. A line without a timestamp gets the read time and {@code stamped=false}.
 */
public record LogLine(String t, String msg, boolean stamped) {

    public static LogLine parse(String line) {
        int sp = line.indexOf(' ');
        if (sp > 0 && StatusCalculator.parse(line.substring(0, sp)).isPresent()) {
            return new LogLine(line.substring(0, sp), line.substring(sp + 1), true);
        }
        return new LogLine(Instant.now().toString(), line, false);
    }
}
