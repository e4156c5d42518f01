package io.guildnet.proxy;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** An ordered HTTP header list: names compared case-insensitively, kept as received. */
public final class HeaderList implements Iterable<Map.Entry<String, String>> {

    private final List<String> names = new ArrayList<>();
    private final List<String> values = new ArrayList<>();

    public HeaderList add(String name, String value) {
        names.add(name);
        values.add(value);
        return this;
    }

    /** Replaces every value of {@code name} by one. */
    public HeaderList set(String name, String value) {
        remove(name);
        return add(name, value);
    }

    public HeaderList remove(String name) {
        for (int i = names.size() - 1; i >= 0; i--) {
            if (names.get(i).equalsIgnoreCase(name)) {
                names.remove(i);
                values.remove(i);
            }
        }
        return this;
    }

    public String first(String name) {
        for (int i = 0; i < names.size(); i++) if (names.get(i).equalsIgnoreCase(name)) return values.get(i);
        return null;
    }

    public List<String> all(String name) {
        List<String> out = new ArrayList<>(1);
        for (int i = 0; i < names.size(); i++) if (names.get(i).equalsIgnoreCase(name)) out.add(values.get(i));
        return out;
    }

    public boolean has(String name) { return first(name) != null; }

    /** Whether a comma-separated header (Connection, Upgrade, Transfer-Encoding) carries {@code token}. */
    public boolean hasToken(String name, String token) {
        for (String v : all(name)) {
            for (String t : v.split(",")) if (t.trim().equalsIgnoreCase(token)) return true;
        }
        return false;
    }

    public int size() { return names.size(); }

    /** Replaces the value at position {@code i} (continuation lines). */
    void setValue(int i, String v) { values.set(i, v); }

    public String name(int i) { return names.get(i); }

    public String value(int i) { return values.get(i); }

    @Override
    public Iterator<Map.Entry<String, String>> iterator() {
        List<Map.Entry<String, String>> l = new ArrayList<>(names.size());
        for (int i = 0; i < names.size(); i++) l.add(Map.entry(names.get(i), values.get(i)));
        return l.iterator();
    }

    public HeaderList copy() {
        HeaderList h = new HeaderList();
        h.names.addAll(names);
        h.values.addAll(values);
        return h;
    }

    static String lower(String s) { return s.toLowerCase(Locale.ROOT); }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < names.size(); i++) b.append(names.get(i)).append(": ").append(values.get(i)).append('\n');
        return b.toString();
    }
}
