package io.guildnet.rethink;

import java.util.Comparator;
import java.util.List;
import java.util.Map;

/** ReQL value ordering (for keys): arrays, booleans, null, numbers, objects, strings — as RethinkDB sorts them. */
final class Keys {

    private Keys() {}

    static final Comparator<Object> ORDER = Keys::compare;

    private static int rank(Object o) {
        if (o instanceof List) return 0;
        if (o instanceof Boolean) return 1;
        if (o == null) return 2;
        if (o instanceof Number) return 3;
        if (o instanceof Map) return 4;
        return 5;
    }

    @SuppressWarnings("unchecked")
    static int compare(Object a, Object b) {
        int ra = rank(a), rb = rank(b);
        if (ra != rb) return Integer.compare(ra, rb);
        switch (ra) {
            case 0 -> {
                List<Object> la = (List<Object>) a, lb = (List<Object>) b;
                for (int i = 0; i < Math.min(la.size(), lb.size()); i++) {
                    int c = compare(la.get(i), lb.get(i));
                    if (c != 0) return c;
                }
                return Integer.compare(la.size(), lb.size());
            }
            case 1 -> { return Boolean.compare((Boolean) a, (Boolean) b); }
            case 2 -> { return 0; }
            case 3 -> { return Double.compare(((Number) a).doubleValue(), ((Number) b).doubleValue()); }
            case 4 -> { return String.valueOf(a).compareTo(String.valueOf(b)); }
            default -> { return String.valueOf(a).compareTo(String.valueOf(b)); }
        }
    }

    /** Normalises numbers so 1, 1L and 1.0 are the same key. */
    static Object norm(Object k) {
        if (k instanceof Number n && !(k instanceof Double && !Double.isFinite(n.doubleValue()))) {
            double d = n.doubleValue();
            if (d == Math.rint(d) && Math.abs(d) < 9.007199254740992E15) return (long) d;
            return d;
        }
        return k;
    }
}
