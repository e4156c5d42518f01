package io.guildnet.workspace;

import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.EnvVarSource;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.guildnet.api.ApiException;
import io.guildnet.api.JsonInput;
import io.guildnet.workspace.model.Exposure;
import io.guildnet.workspace.model.WorkspacePort;
import io.guildnet.workspace.model.WorkspaceResources;
import io.guildnet.workspace.model.WorkspaceSpec;
import jakarta.json.JsonArray;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Validates a workspace launch request (the UI's, the SDK's and the anchor's shapes) and
 * turns every field into the Workspace spec: nothing is silently dropped.
 */
public final class WorkspaceRequest {

    static final Set<String> FIELDS = Set.of("name", "image", "command", "args", "env", "ports", "expose", "resources", "labels",
            "exposure", "presetsRef", "notes");
    static final String DNS1123 = "[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?";
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

    /** The validated name (given or generated) and spec. */
    public record Parsed(String name, boolean generatedName, WorkspaceSpec spec) {}

    private WorkspaceRequest() {}

    public static String generatedName() {
        byte[] b = new byte[4];
        RANDOM.nextBytes(b);
        return "ws-" + HexFormat.of().formatHex(b);
    }

    public static Parsed parse(JsonObject o) {
        JsonInput.onlyFields(o, FIELDS);
        String name = JsonInput.string(o, "name");
        boolean generated = name == null || name.isBlank();
        if (generated) name = generatedName();
        name = name.trim();
        if (!name.matches(DNS1123)) {
            throw invalid("name", "a DNS-1123 label: lower-case letters, digits and '-', 1-63 characters, starting and ending alphanumeric");
        }
        String image = JsonInput.requiredString(o, "image");
        if (image.matches(".*\\s.*") || image.length() > 512) throw invalid("image", "an image reference without spaces");
        WorkspaceSpec spec = new WorkspaceSpec();
        spec.setImage(image);
        spec.setCommand(strings(o, "command"));
        spec.setArgs(strings(o, "args"));
        spec.setEnv(env(o));
        List<WorkspacePort> ports = ports(o, "ports");
        if (ports.isEmpty()) ports = ports(o, "expose");
        spec.setPorts(ports);
        spec.setResources(resources(o));
        spec.setLabels(labels(o));
        spec.setExposure(exposure(o));
        spec.setPresetsRef(JsonInput.string(o, "presetsRef"));
        spec.setNotes(JsonInput.string(o, "notes"));
        return new Parsed(name, generated, spec);
    }

    static ApiException invalid(String field, String expected) {
        return ApiException.badRequest("invalid_spec", field + " must be " + expected, Map.of("field", field, "expected", expected));
    }

    static List<String> strings(JsonObject o, String field) {
        List<String> out = new ArrayList<>();
        if (!o.containsKey(field) || o.isNull(field)) return out;
        if (!(o.get(field) instanceof JsonArray a)) throw invalid(field, "an array of strings");
        for (JsonValue v : a) {
            if (!(v instanceof JsonString s)) throw invalid(field, "an array of strings");
            out.add(s.getString());
        }
        return out;
    }

    /** env as {"K":"v"} (anchor) or [{name, value}|{name, valueFrom}] (UI/Kubernetes). Blank names are refused. */
    static List<EnvVar> env(JsonObject o) {
        List<EnvVar> out = new ArrayList<>();
        if (!o.containsKey("env") || o.isNull("env")) return out;
        JsonValue v = o.get("env");
        if (v instanceof JsonObject m) {
            for (Map.Entry<String, JsonValue> e : m.entrySet()) {
                if (e.getKey().isBlank()) throw invalid("env", "entries with non-empty names");
                if (!(e.getValue() instanceof JsonString s)) throw invalid("env." + e.getKey(), "a string");
                out.add(new EnvVarBuilder().withName(e.getKey()).withValue(s.getString()).build());
            }
            return out;
        }
        if (!(v instanceof JsonArray a)) throw invalid("env", "an object of name: value or an array of {name, value|valueFrom}");
        KubernetesSerialization ser = SERIALIZATION;
        for (JsonValue item : a) {
            if (!(item instanceof JsonObject e)) throw invalid("env", "an array of {name, value|valueFrom}");
            String n = JsonInput.string(e, "name");
            if (n == null || n.isBlank()) throw invalid("env[].name", "a non-empty string");
            EnvVarBuilder b = new EnvVarBuilder().withName(n.trim());
            if (e.containsKey("valueFrom") && !e.isNull("valueFrom")) {
                b.withValueFrom(ser.unmarshal(e.get("valueFrom").toString(), EnvVarSource.class));
            } else {
                String val = JsonInput.string(e, "value");
                b.withValue(val == null ? "" : val);
            }
            out.add(b.build());
        }
        return out;
    }

    static List<WorkspacePort> ports(JsonObject o, String field) {
        List<WorkspacePort> out = new ArrayList<>();
        if (!o.containsKey(field) || o.isNull(field)) return out;
        if (!(o.get(field) instanceof JsonArray a)) throw invalid(field, "an array of {containerPort, name?, protocol?}");
        for (JsonValue item : a) {
            if (!(item instanceof JsonObject p)) throw invalid(field, "an array of {containerPort, name?, protocol?}");
            JsonValue num = p.containsKey("containerPort") ? p.get("containerPort") : p.get("port");
            if (!(num instanceof JsonNumber n) || !n.isIntegral() || n.intValue() < 1 || n.intValue() > 65535) {
                throw invalid(field + "[].containerPort", "a port number from 1 to 65535");
            }
            String proto = JsonInput.string(p, "protocol");
            if (proto != null && !proto.isBlank() && !Set.of("TCP", "UDP", "SCTP").contains(proto.toUpperCase())) {
                throw invalid(field + "[].protocol", "TCP, UDP or SCTP");
            }
            String pn = JsonInput.string(p, "name");
            if (pn != null && !pn.isBlank() && !pn.matches("[a-z0-9]([-a-z0-9]{0,13}[a-z0-9])?")) {
                throw invalid(field + "[].name", "an IANA service name (lower-case, at most 15 characters)");
            }
            out.add(new WorkspacePort(n.intValue(), pn == null || pn.isBlank() ? null : pn, proto == null || proto.isBlank() ? null : proto.toUpperCase()));
        }
        return out;
    }

    static WorkspaceResources resources(JsonObject o) {
        if (!o.containsKey("resources") || o.isNull("resources")) return null;
        if (!(o.get("resources") instanceof JsonObject r)) throw invalid("resources", "an object {cpu, memory, limitCpu, limitMemory}");
        JsonInput.onlyFields(r, Set.of("cpu", "memory", "limitCpu", "limitMemory"));
        WorkspaceResources res = new WorkspaceResources();
        res.setCpu(quantity(r, "cpu"));
        res.setMemory(quantity(r, "memory"));
        res.setLimitCpu(quantity(r, "limitCpu"));
        res.setLimitMemory(quantity(r, "limitMemory"));
        return res;
    }

    static String quantity(JsonObject r, String f) {
        String s = JsonInput.string(r, f);
        if (s == null || s.isBlank()) return null;
        if (!s.trim().matches("[0-9]+(\\.[0-9]+)?(m|k|M|G|T|Ki|Mi|Gi|Ti)?")) throw invalid("resources." + f, "a Kubernetes quantity like 500m or 2Gi");
        return s.trim();
    }

    /** labels as {"k":"v"} or [{name, value}] (UI). Our own guildnet.io/ keys are reserved. */
    static Map<String, String> labels(JsonObject o) {
        Map<String, String> out = new LinkedHashMap<>();
        if (!o.containsKey("labels") || o.isNull("labels")) return out;
        JsonValue v = o.get("labels");
        if (v instanceof JsonObject m) {
            for (Map.Entry<String, JsonValue> e : m.entrySet()) {
                if (!(e.getValue() instanceof JsonString s)) throw invalid("labels." + e.getKey(), "a string");
                out.put(e.getKey(), s.getString());
            }
        } else if (v instanceof JsonArray a) {
            for (JsonValue item : a) {
                if (!(item instanceof JsonObject e)) throw invalid("labels", "an object or an array of {name, value}");
                out.put(JsonInput.requiredString(e, "name"), JsonInput.string(e, "value") == null ? "" : JsonInput.string(e, "value"));
            }
        } else {
            throw invalid("labels", "an object or an array of {name, value}");
        }
        for (Map.Entry<String, String> e : out.entrySet()) {
            if (e.getKey().startsWith("guildnet.io/")) throw invalid("labels", "free of the reserved guildnet.io/ prefix");
            if (!e.getKey().matches("([a-z0-9.-]{1,253}/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?")
                    || !e.getValue().matches("([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?")) {
                throw invalid("labels", "valid Kubernetes label keys and values");
            }
        }
        return out;
    }

    static Exposure exposure(JsonObject o) {
        if (!o.containsKey("exposure") || o.isNull("exposure")) return null;
        if (!(o.get("exposure") instanceof JsonObject e)) throw invalid("exposure", "an object");
        JsonInput.onlyFields(e, Set.of("type", "domain", "ingressClass", "tlsIssuer", "tlsSecret", "authURL", "authSignin"));
        Exposure x = new Exposure();
        String type = JsonInput.string(e, "type");
        if (type != null && !Set.of("ClusterIP", "LoadBalancer", "Ingress").contains(type)) throw invalid("exposure.type", "ClusterIP, LoadBalancer or Ingress");
        x.setType(type);
        x.setDomain(JsonInput.string(e, "domain"));
        x.setIngressClass(JsonInput.string(e, "ingressClass"));
        x.setTlsIssuer(JsonInput.string(e, "tlsIssuer"));
        x.setTlsSecret(JsonInput.string(e, "tlsSecret"));
        x.setAuthURL(JsonInput.string(e, "authURL"));
        x.setAuthSignin(JsonInput.string(e, "authSignin"));
        return x;
    }
}
