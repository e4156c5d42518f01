package io.guildnet.workspace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceColumnDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersion;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The CRDs generated from the model (what the Host App applies and what crds/ ships). */
class CrdSchemaTest {

    static final String WORKSPACES = "workspaces.guildnet.io-v1.yml";
    static final String CAPABILITIES = "capabilities.guildnet.io-v1.yml";

    static byte[] generated(String file) throws IOException {
        try (InputStream in = CrdSchemaTest.class.getClassLoader().getResourceAsStream("META-INF/fabric8/" + file)) {
            assertNotNull(in, "generated CRD META-INF/fabric8/" + file + " on the class path");
            return in.readAllBytes();
        }
    }

    static CustomResourceDefinition crd(String file) throws IOException {
        return new KubernetesSerialization().unmarshal(new String(generated(file), java.nio.charset.StandardCharsets.UTF_8),
                CustomResourceDefinition.class);
    }

    static CustomResourceDefinitionVersion onlyVersion(CustomResourceDefinition crd) {
        List<CustomResourceDefinitionVersion> versions = crd.getSpec().getVersions();
        assertEquals(List.of("v1alpha1"), versions.stream().map(CustomResourceDefinitionVersion::getName).toList());
        return versions.get(0);
    }

    static JSONSchemaProps root(CustomResourceDefinition crd) {
        return onlyVersion(crd).getSchema().getOpenAPIV3Schema();
    }

    static JSONSchemaProps prop(JSONSchemaProps schema, String name) {
        assertNotNull(schema.getProperties(), "schema has properties");
        JSONSchemaProps p = schema.getProperties().get(name);
        assertNotNull(p, "property " + name + " in " + schema.getProperties().keySet());
        return p;
    }

    static void assertProperties(JSONSchemaProps schema, String... names) {
        Set<String> declared = schema.getProperties().keySet();
        assertTrue(declared.containsAll(List.of(names)), "expected " + List.of(names) + " in " + declared);
    }

    // --- Workspace --------------------------------------------------------------------------

    @Test
    void workspaceCrdIdentity() throws IOException {
        CustomResourceDefinition crd = crd(WORKSPACES);
        assertEquals("workspaces.guildnet.io", crd.getMetadata().getName());
        assertEquals("guildnet.io", crd.getSpec().getGroup());
        assertEquals("Namespaced", crd.getSpec().getScope());
        assertEquals("Workspace", crd.getSpec().getNames().getKind());
        assertEquals("workspaces", crd.getSpec().getNames().getPlural());
        assertEquals(List.of("ws"), crd.getSpec().getNames().getShortNames());
        CustomResourceDefinitionVersion v = onlyVersion(crd);
        assertEquals(Boolean.TRUE, v.getServed());
        assertEquals(Boolean.TRUE, v.getStorage());
        assertNotNull(v.getSubresources(), "subresources");
        assertNotNull(v.getSubresources().getStatus(), "status subresource");
    }

    @Test
    void workspacePrinterColumns() throws IOException {
        Map<String, CustomResourceColumnDefinition> cols = onlyVersion(crd(WORKSPACES)).getAdditionalPrinterColumns().stream()
                .collect(Collectors.toMap(CustomResourceColumnDefinition::getName, c -> c));
        assertEquals(Set.of("Phase", "Image", "Ready"), cols.keySet());
        assertEquals(".status.phase", cols.get("Phase").getJsonPath());
        assertEquals(".spec.image", cols.get("Image").getJsonPath());
        assertEquals(".status.readyReplicas", cols.get("Ready").getJsonPath());
        assertEquals("string", cols.get("Phase").getType());
        assertEquals("string", cols.get("Image").getType());
        assertEquals("integer", cols.get("Ready").getType());
    }

    @Test
    void workspaceSpecSchemaDeclaresEveryField() throws IOException {
        JSONSchemaProps spec = prop(root(crd(WORKSPACES)), "spec");
        assertEquals("object", spec.getType());
        assertProperties(spec, "image", "command", "args", "env", "ports", "resources", "labels", "exposure", "presetsRef", "notes");
        assertEquals(List.of("image"), spec.getRequired());
        assertEquals("string", prop(spec, "image").getType());

        for (String list : List.of("command", "args")) {
            assertEquals("array", prop(spec, list).getType());
            assertEquals("string", prop(spec, list).getItems().getSchema().getType());
        }

        JSONSchemaProps env = prop(spec, "env");
        assertEquals("array", env.getType());
        JSONSchemaProps envItem = env.getItems().getSchema();
        assertProperties(envItem, "name", "value", "valueFrom");
        JSONSchemaProps secretKeyRef = prop(prop(envItem, "valueFrom"), "secretKeyRef");
        assertProperties(secretKeyRef, "name", "key");

        JSONSchemaProps ports = prop(spec, "ports");
        assertEquals("array", ports.getType());
        JSONSchemaProps port = ports.getItems().getSchema();
        assertProperties(port, "containerPort", "name", "protocol");
        assertEquals("integer", prop(port, "containerPort").getType());
        assertEquals(List.of("containerPort"), port.getRequired());
        assertEquals(1.0, prop(port, "containerPort").getMinimum().doubleValue());
        assertEquals(65535.0, prop(port, "containerPort").getMaximum().doubleValue());

        assertProperties(prop(spec, "resources"), "cpu", "memory", "limitCpu", "limitMemory");

        JSONSchemaProps labels = prop(spec, "labels");
        assertEquals("object", labels.getType());
        assertEquals("string", labels.getAdditionalProperties().getSchema().getType());

        assertProperties(prop(spec, "exposure"), "type", "domain", "ingressClass", "tlsIssuer", "tlsSecret", "authURL", "authSignin");
        assertEquals("string", prop(spec, "presetsRef").getType());
        assertEquals("string", prop(spec, "notes").getType());
    }

    @Test
    void workspaceStatusSchemaDeclaresEveryField() throws IOException {
        JSONSchemaProps status = prop(root(crd(WORKSPACES)), "status");
        assertProperties(status, "phase", "readyReplicas", "serviceDNS", "serviceIP", "proxyTarget", "externalURL", "lastError",
                "conditions", "observedGeneration", "passwordSecret");
        assertEquals("integer", prop(status, "readyReplicas").getType());
        assertEquals("integer", prop(status, "observedGeneration").getType());
        JSONSchemaProps conditions = prop(status, "conditions");
        assertEquals("array", conditions.getType());
        assertProperties(conditions.getItems().getSchema(), "type", "status", "reason", "message", "lastTransitionTime");
    }

    // --- Capability -------------------------------------------------------------------------

    @Test
    void capabilityCrd() throws IOException {
        CustomResourceDefinition crd = crd(CAPABILITIES);
        assertEquals("capabilities.guildnet.io", crd.getMetadata().getName());
        assertEquals("guildnet.io", crd.getSpec().getGroup());
        assertEquals("Namespaced", crd.getSpec().getScope());
        assertEquals("Capability", crd.getSpec().getNames().getKind());
        assertEquals(List.of("cap"), crd.getSpec().getNames().getShortNames());
        CustomResourceDefinitionVersion v = onlyVersion(crd);
        assertEquals(Boolean.TRUE, v.getServed());
        assertEquals(Boolean.TRUE, v.getStorage());

        JSONSchemaProps spec = prop(root(crd), "spec");
        assertProperties(spec, "actions", "selector", "allowedImages", "allowedPorts", "maxConcurrent");
        assertEquals("string", prop(spec, "actions").getItems().getSchema().getType());
        assertEquals("string", prop(spec, "allowedImages").getItems().getSchema().getType());
        assertEquals("integer", prop(spec, "allowedPorts").getItems().getSchema().getType());
        assertEquals("integer", prop(spec, "maxConcurrent").getType());
        assertProperties(prop(spec, "selector"), "matchLabels", "matchExpressions");
    }

    // --- crds/ is the generated output ------------------------------------------------------

    @ParameterizedTest
    @ValueSource(strings = {WORKSPACES, CAPABILITIES})
    void committedCopyInCrdsIsIdenticalToTheGeneratedOne(String file) throws IOException {
        Path committed = Path.of(System.getProperty("basedir", "."), "crds", file);
        assertTrue(Files.isRegularFile(committed), committed + " exists");
        assertEquals(new String(generated(file), java.nio.charset.StandardCharsets.UTF_8), Files.readString(committed),
                "crds/" + file + " drifted from the model; rebuild (mvn process-classes) and commit crds/");
    }
}
