package io.guildnet.workspace;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import io.guildnet.api.ApiException;
import io.guildnet.host.ImageCatalog;
import io.guildnet.workspace.model.Capability;
import io.guildnet.workspace.model.CapabilitySpec;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Capability checks. With no Capability in the namespace everything is allowed (the anchor's
 * default). Otherwise an action is allowed when some Capability lists it (or {@code *}), its
 * label selector matches the workspace, and its constraints hold: {@code allowedImages}
 * (globs, matched on the full reference and on the repository name), {@code allowedPorts},
 * {@code maxConcurrent} (workspaces matching the selector). Denials are 403
 * {@code forbidden} with {@code details: {capability, rule}}.
 */
public final class CapabilityPolicy {

    public static final Set<String> ACTIONS = Set.of("launch", "delete", "stopAll", "readLogs", "proxy");

    /**
     * What is being attempted. {@code image}, {@code ports} and {@code existing} (the labels of the
     * namespace's current workspaces, for maxConcurrent) matter for launch only.
     */
    public record Request(String action, Map<String, String> labels, String image, List<Integer> ports,
                          List<Map<String, String>> existing) {
        public static Request of(String action, Map<String, String> labels) {
            return new Request(action, labels, null, List.of(), List.of());
        }
    }

    private CapabilityPolicy() {}

    public static void check(List<Capability> caps, Request r) {
        if (caps.isEmpty()) return;
        String lastRule = "no Capability allows " + r.action();
        String lastCap = null;
        for (Capability c : caps) {
            CapabilitySpec s = c.getSpec();
            if (s == null) continue;
            if (!s.getActions().contains(r.action()) && !s.getActions().contains("*")) continue;
            if (!matches(s.getSelector(), r.labels())) {
                lastRule = "labels do not match the selector";
                lastCap = c.getMetadata().getName();
                continue;
            }
            String broken = constraint(s, r);
            if (broken == null) return;
            lastRule = broken;
            lastCap = c.getMetadata().getName();
        }
        java.util.Map<String, Object> details = new java.util.LinkedHashMap<>();
        details.put("capability", lastCap == null ? "" : lastCap);
        details.put("rule", lastRule);
        details.put("action", r.action());
        throw new ApiException(403, "forbidden", "not allowed to " + r.action() + ": " + lastRule, details);
    }

    static String constraint(CapabilitySpec s, Request r) {
        if (!"launch".equals(r.action())) return null;
        if (!s.getAllowedImages().isEmpty() && s.getAllowedImages().stream().noneMatch(g -> imageMatches(g, r.image()))) {
            return "image " + r.image() + " is not in allowedImages " + s.getAllowedImages();
        }
        if (!s.getAllowedPorts().isEmpty()) {
            for (int p : r.ports()) {
                if (!s.getAllowedPorts().contains(p)) return "port " + p + " is not in allowedPorts " + s.getAllowedPorts();
            }
        }
        if (s.getMaxConcurrent() != null) {
            long running = r.existing().stream().filter(l -> matches(s.getSelector(), l)).count();
            if (running >= s.getMaxConcurrent()) return "maxConcurrent " + s.getMaxConcurrent() + " reached (" + running + " running)";
        }
        return null;
    }

    static boolean imageMatches(String glob, String image) {
        if (image == null) return false;
        Pattern p = Pattern.compile(globToRegex(glob));
        return p.matcher(image).matches() || p.matcher(ImageCatalog.repository(image)).matches();
    }

    static String globToRegex(String glob) {
        StringBuilder sb = new StringBuilder();
        for (char ch : glob.toCharArray()) {
            switch (ch) {
                case '*' -> sb.append(".*");
                case '?' -> sb.append('.');
                default -> sb.append(Pattern.quote(String.valueOf(ch)));
            }
        }
        return sb.toString();
    }

    /** Kubernetes label-selector semantics (matchLabels AND matchExpressions); no selector matches everything. */
    public static boolean matches(LabelSelector sel, Map<String, String> labels) {
        if (sel == null) return true;
        if (sel.getMatchLabels() != null) {
            for (var e : sel.getMatchLabels().entrySet()) if (!e.getValue().equals(labels.get(e.getKey()))) return false;
        }
        if (sel.getMatchExpressions() != null) {
            for (LabelSelectorRequirement req : sel.getMatchExpressions()) {
                String v = labels.get(req.getKey());
                List<String> vals = req.getValues() == null ? List.of() : req.getValues();
                boolean ok = switch (req.getOperator()) {
                    case "In" -> v != null && vals.contains(v);
                    case "NotIn" -> v == null || !vals.contains(v);
                    case "Exists" -> v != null;
                    case "DoesNotExist" -> v == null;
                    default -> false;
                };
                if (!ok) return false;
            }
        }
        return true;
    }

}
