package io.guildnet.workspace;

import static io.guildnet.workspace.WorkspaceFixture.ingressExposure;
import static io.guildnet.workspace.WorkspaceFixture.workspace;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressRule;
import io.fabric8.kubernetes.api.model.networking.v1.IngressTLS;
import io.guildnet.workspace.model.Exposure;
import io.guildnet.workspace.model.Workspace;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DesiredStateTest {

    static final String CODE_SERVER = "codercom/code-server:4.90.3";
    static final String AGENT = "guildnet/agent:1";
    static final String NGINX = "nginx:1.27";
    static final String GENERIC = "ghcr.io/acme/tool:2";

    static final WorkspaceDefaults NONE = WorkspaceDefaults.none();

    // --- helpers -------------------------------------------------------------------------

    static PodSpec podSpec(Deployment d) {
        return d.getSpec().getTemplate().getSpec();
    }

    static Container container(Deployment d) {
        List<Container> containers = podSpec(d).getContainers();
        assertEquals(1, containers.size(), "one workspace container");
        return containers.get(0);
    }

    static Container container(Workspace ws) {
        return container(DesiredState.deployment(ws, NONE));
    }

    static List<EnvVar> envNamed(Container c, String name) {
        return c.getEnv().stream().filter(e -> name.equals(e.getName())).collect(Collectors.toList());
    }

    static Optional<EnvVar> env(Container c, String name) {
        List<EnvVar> found = envNamed(c, name);
        assertTrue(found.size() <= 1, "at most one " + name + " env var, got " + found);
        return found.stream().findFirst();
    }

    static WorkspaceDefaults defaults(boolean loadBalancer, String pool) {
        return new WorkspaceDefaults(loadBalancer, pool, null, null, null, null, null, null, null);
    }

    static WorkspaceDefaults ingressDefaults(String domain, String ingressClass, String issuer, String tlsSecret,
                                             String authUrl, String authSignin) {
        return new WorkspaceDefaults(false, null, domain, ingressClass, issuer, tlsSecret, authUrl, authSignin, null);
    }

    static void assertControlledBy(Workspace ws, HasMetadata owned) {
        List<OwnerReference> refs = owned.getMetadata().getOwnerReferences();
        assertEquals(1, refs.size(), owned.getKind() + " has one owner");
        OwnerReference ref = refs.get(0);
        assertEquals("Workspace", ref.getKind());
        assertEquals("guildnet.io/v1alpha1", ref.getApiVersion());
        assertEquals(ws.getMetadata().getName(), ref.getName());
        assertEquals(ws.getMetadata().getUid(), ref.getUid());
        assertEquals(Boolean.TRUE, ref.getController(), "controller reference");
    }

    static Ingress ingressOf(Workspace ws, WorkspaceDefaults defaults) {
        return DesiredState.ingress(ws, defaults).orElseThrow(() -> new AssertionError("expected an Ingress"));
    }

    // --- names, labels, ownership ---------------------------------------------------------

    @Nested
    class NamesLabelsAndOwnership {

        @Test
        void deploymentAndServiceAreNamedAfterTheWorkspaceInItsNamespace() {
            Workspace ws = workspace(CODE_SERVER).name("alice-ide").namespace("team-b").build();
            Deployment d = DesiredState.deployment(ws, NONE);
            Service s = DesiredState.service(ws, NONE);
            for (HasMetadata o : List.of(d, s)) {
                assertEquals("alice-ide", o.getMetadata().getName());
                assertEquals("team-b", o.getMetadata().getNamespace());
            }
        }

        @Test
        void workspaceLabelIsOnDeploymentPodTemplateAndServiceAndIsTheOnlySelector() {
            Workspace ws = workspace(CODE_SERVER).name("bob").build();
            Deployment d = DesiredState.deployment(ws, NONE);
            Service s = DesiredState.service(ws, NONE);
            Map<String, String> expectedSelector = Map.of(DesiredState.WORKSPACE_LABEL, "bob");

            assertEquals("bob", d.getMetadata().getLabels().get(DesiredState.WORKSPACE_LABEL));
            assertEquals("bob", s.getMetadata().getLabels().get(DesiredState.WORKSPACE_LABEL));
            Map<String, String> podLabels = d.getSpec().getTemplate().getMetadata().getLabels();
            assertEquals("bob", podLabels.get(DesiredState.WORKSPACE_LABEL));

            assertEquals(expectedSelector, d.getSpec().getSelector().getMatchLabels());
            assertTrue(d.getSpec().getSelector().getMatchExpressions() == null
                    || d.getSpec().getSelector().getMatchExpressions().isEmpty(), "no selector expressions");
            assertEquals(expectedSelector, s.getSpec().getSelector());
            assertTrue(podLabels.entrySet().containsAll(expectedSelector.entrySet()), "pod template matches its selector");
        }

        @Test
        void userLabelsAreKeptButCannotOverrideTheWorkspaceLabel() {
            Workspace ws = workspace(CODE_SERVER).name("carol")
                    .label("team", "payments").label("tier", "dev")
                    .label(DesiredState.WORKSPACE_LABEL, "someone-else").build();
            Deployment d = DesiredState.deployment(ws, NONE);
            Service s = DesiredState.service(ws, NONE);
            List<Map<String, String>> labelSets = List.of(d.getMetadata().getLabels(),
                    d.getSpec().getTemplate().getMetadata().getLabels(), s.getMetadata().getLabels());
            for (Map<String, String> labels : labelSets) {
                assertEquals("payments", labels.get("team"));
                assertEquals("dev", labels.get("tier"));
                assertEquals("carol", labels.get(DesiredState.WORKSPACE_LABEL));
            }
            assertEquals(Map.of(DesiredState.WORKSPACE_LABEL, "carol"), d.getSpec().getSelector().getMatchLabels());
            assertEquals(Map.of(DesiredState.WORKSPACE_LABEL, "carol"), s.getSpec().getSelector());
        }

        @Test
        void everyOwnedObjectHasAControllerReferenceToTheWorkspace() {
            Workspace ws = workspace(CODE_SERVER).name("dave").uid("uid-1234")
                    .exposure(ingressExposure("example.test")).build();
            assertControlledBy(ws, DesiredState.deployment(ws, NONE));
            assertControlledBy(ws, DesiredState.service(ws, NONE));
            assertControlledBy(ws, DesiredState.passwordSecret(ws, Optional.empty()).orElseThrow());
            assertControlledBy(ws, ingressOf(ws, NONE));
        }

        @Test
        void buildingTheDesiredStateDoesNotChangeTheWorkspaceSpec() {
            Workspace ws = workspace(CODE_SERVER).env("FOO", "bar").build();
            DesiredState.deployment(ws, NONE);
            Deployment second = DesiredState.deployment(ws, NONE);
            assertEquals(List.of("FOO"), ws.getSpec().getEnv().stream().map(EnvVar::getName).collect(Collectors.toList()));
            assertTrue(ws.getSpec().getArgs().isEmpty());
            assertTrue(ws.getSpec().getPorts().isEmpty());
            assertEquals(1, envNamed(container(second), "PORT").size());
        }
    }

    // --- ports ----------------------------------------------------------------------------

    @Nested
    class Ports {

        @ParameterizedTest
        @ValueSource(strings = {CODE_SERVER, GENERIC, AGENT, NGINX})
        void withoutPortsTheProfilesDefaultPortIsNamedHttpOnContainerAndService(String image) {
            Workspace ws = workspace(image).build();
            int expected = ImageProfile.of(image).defaultPorts().get(0);
            ContainerPort cp = container(ws).getPorts().get(0);
            ServicePort sp = DesiredState.service(ws, NONE).getSpec().getPorts().get(0);
            assertEquals(expected, cp.getContainerPort());
            assertEquals("http", cp.getName());
            assertEquals("TCP", cp.getProtocol());
            assertEquals(expected, sp.getPort());
            assertEquals(expected, sp.getTargetPort().getIntVal());
            assertEquals("http", sp.getName());
        }

        @Test
        void defaultPortIs8080ForCodeServerAndGenericAnd80ForNginx() {
            assertEquals(8080, container(workspace(CODE_SERVER).build()).getPorts().get(0).getContainerPort());
            assertEquals(8080, container(workspace(GENERIC).build()).getPorts().get(0).getContainerPort());
            assertEquals(80, container(workspace(NGINX).build()).getPorts().get(0).getContainerPort());
        }

        @Test
        void givenPortsAreUsedAsIs() {
            Workspace ws = workspace(CODE_SERVER).port(3000, "web").port(9229, "debug").build();
            Container c = container(ws);
            Service s = DesiredState.service(ws, NONE);
            assertEquals(List.of(3000, 9229), c.getPorts().stream().map(ContainerPort::getContainerPort).collect(Collectors.toList()));
            assertEquals(List.of("web", "debug"), c.getPorts().stream().map(ContainerPort::getName).collect(Collectors.toList()));
            assertEquals(List.of(3000, 9229), s.getSpec().getPorts().stream().map(ServicePort::getPort).collect(Collectors.toList()));
            assertEquals(List.of(3000, 9229), s.getSpec().getPorts().stream().map(p -> p.getTargetPort().getIntVal())
                    .collect(Collectors.toList()));
            assertEquals(List.of("web", "debug"), s.getSpec().getPorts().stream().map(ServicePort::getName).collect(Collectors.toList()));
        }

        @Test
        void protocolIsCopiedToContainerAndServicePorts() {
            Workspace ws = workspace(GENERIC).port(8080, "http", "TCP").port(5353, "mdns", "udp").port(9999, "sctp", "SCTP").build();
            List<String> expected = List.of("TCP", "UDP", "SCTP");
            assertEquals(expected, container(ws).getPorts().stream().map(ContainerPort::getProtocol).collect(Collectors.toList()));
            assertEquals(expected, DesiredState.service(ws, NONE).getSpec().getPorts().stream().map(ServicePort::getProtocol)
                    .collect(Collectors.toList()));
        }

        @Test
        void portsWithoutProtocolAreTcp() {
            Workspace ws = workspace(GENERIC).port(8080, "http").build();
            assertEquals("TCP", DesiredState.service(ws, NONE).getSpec().getPorts().get(0).getProtocol());
        }

        static Stream<List<String>> names(Workspace ws) {
            return Stream.of(
                    container(ws).getPorts().stream().map(ContainerPort::getName).collect(Collectors.toList()),
                    DesiredState.service(ws, NONE).getSpec().getPorts().stream().map(ServicePort::getName).collect(Collectors.toList()));
        }

        static void assertDistinctValidNames(Workspace ws) {
            names(ws).forEach(names -> {
                assertEquals(ws.getSpec().getPorts().size(), names.size());
                assertEquals(names.size(), new HashSet<>(names).size(), "port names must be distinct: " + names);
                for (String n : names) {
                    assertNotNull(n);
                    // IANA_SVC_NAME, as the API server validates port names
                    assertTrue(n.length() <= 15 && n.matches("[a-z0-9]([a-z0-9-]*[a-z0-9])?") && n.matches(".*[a-z].*")
                            && !n.contains("--"), "valid port name: " + n);
                }
            });
        }

        @Test
        void unnamedPortsGetDistinctNames() {
            assertDistinctValidNames(workspace(GENERIC).port(8080).port(9090).port(3000).build());
        }

        @Test
        void unnamedPortsDoNotCollideWithAGivenName() {
            Workspace ws = workspace(GENERIC).port(8080).port(8443, "http").build();
            assertDistinctValidNames(ws);
            names(ws).forEach(n -> assertEquals("http", n.get(1), "a given name is used as is"));
        }

        @Test
        void unnamedPortsWithTheSameNumberAndDifferentProtocolsGetDistinctNames() {
            assertDistinctValidNames(workspace(GENERIC).port(8080).port(53, null, "TCP").port(53, null, "UDP").build());
        }

        @Test
        void namedPortsKeepTheirNamesNextToUnnamedOnes() {
            Workspace ws = workspace(GENERIC).port(3000, "web").port(9090).build();
            assertDistinctValidNames(ws);
            names(ws).forEach(n -> assertEquals("web", n.get(0)));
        }
    }

    // --- env ------------------------------------------------------------------------------

    @Nested
    class Env {

        final EnvVar secretRef = new EnvVarBuilder().withName("DB_PASSWORD").withNewValueFrom().withNewSecretKeyRef()
                .withName("db-credentials").withKey("pw").endSecretKeyRef().endValueFrom().build();

        @Test
        void userEnvIsKeptIncludingValueFrom() {
            Workspace ws = workspace(GENERIC).env("FOO", "bar").env(secretRef).build();
            Container c = container(ws);
            assertEquals("bar", env(c, "FOO").orElseThrow().getValue());
            assertEquals(secretRef, env(c, "DB_PASSWORD").orElseThrow());
            assertEquals("db-credentials", env(c, "DB_PASSWORD").orElseThrow().getValueFrom().getSecretKeyRef().getName());
        }

        @Test
        void portIsSetToTheFirstPortWhenAbsent() {
            Container c = container(workspace(GENERIC).port(3000, "web").port(9229, "debug").build());
            assertEquals("3000", env(c, "PORT").orElseThrow().getValue());
            Container nginx = container(workspace(NGINX).build());
            assertEquals("80", env(nginx, "PORT").orElseThrow().getValue());
        }

        @Test
        void userPortWins() {
            Container c = container(workspace(GENERIC).port(3000, "web").env("PORT", "4000").build());
            assertEquals(List.of("4000"), envNamed(c, "PORT").stream().map(EnvVar::getValue).collect(Collectors.toList()));
        }

        @Test
        void codeServerGetsPasswordFromItsSecret() {
            Workspace ws = workspace(CODE_SERVER).name("erin").build();
            EnvVar pw = env(container(ws), "PASSWORD").orElseThrow();
            assertNull(pw.getValue(), "no literal password in the pod spec");
            assertEquals("erin-password", pw.getValueFrom().getSecretKeyRef().getName());
            assertEquals(DesiredState.passwordSecretName(ws), pw.getValueFrom().getSecretKeyRef().getName());
            assertEquals(DesiredState.PASSWORD_KEY, pw.getValueFrom().getSecretKeyRef().getKey());
            assertEquals("password", pw.getValueFrom().getSecretKeyRef().getKey());
        }

        @Test
        void userPasswordWinsForCodeServer() {
            Container c = container(workspace(CODE_SERVER).env("PASSWORD", "hunter2").build());
            assertEquals(List.of("hunter2"), envNamed(c, "PASSWORD").stream().map(EnvVar::getValue).collect(Collectors.toList()));
        }

        @Test
        void userHashedPasswordSuppressesTheGeneratedPassword() {
            Container c = container(workspace(CODE_SERVER).env("HASHED_PASSWORD", "$argon2i$v=19$m=4096").build());
            assertTrue(env(c, "PASSWORD").isEmpty());
            assertEquals("$argon2i$v=19$m=4096", env(c, "HASHED_PASSWORD").orElseThrow().getValue());
        }

        @ParameterizedTest
        @ValueSource(strings = {GENERIC, NGINX, "codercom/code-server-fork:1"})
        void imagesOtherThanCodeServerGetNoPassword(String image) {
            assertTrue(env(container(workspace(image).build()), "PASSWORD").isEmpty());
        }
    }

    // --- args and command -----------------------------------------------------------------

    @Nested
    class ArgsAndCommand {

        @Test
        void codeServerWithoutArgsBindsAllInterfacesOnTheFirstPortWithPasswordAuth() {
            Container c = container(workspace(CODE_SERVER).port(9000, "ide").build());
            assertEquals(List.of("--bind-addr", "0.0.0.0:9000", "--auth", "password"), c.getArgs());
            Container dflt = container(workspace(CODE_SERVER).build());
            assertEquals(List.of("--bind-addr", "0.0.0.0:8080", "--auth", "password"), dflt.getArgs());
        }

        @Test
        void givenArgsWin() {
            Container c = container(workspace(CODE_SERVER).args("--auth", "none", "/home/coder/project").build());
            assertEquals(List.of("--auth", "none", "/home/coder/project"), c.getArgs());
        }

        @Test
        void genericImagesGetNoDefaultArgs() {
            Container c = container(workspace(GENERIC).build());
            assertTrue(c.getArgs() == null || c.getArgs().isEmpty(), "args: " + c.getArgs());
        }

        @Test
        void commandIsSetOnlyWhenGiven() {
            Container without = container(workspace(GENERIC).build());
            assertTrue(without.getCommand() == null || without.getCommand().isEmpty(), "image entrypoint kept");
            Container with = container(workspace(GENERIC).command("/bin/sh", "-c", "sleep infinity").build());
            assertEquals(List.of("/bin/sh", "-c", "sleep infinity"), with.getCommand());
        }
    }

    // --- security -------------------------------------------------------------------------

    @Nested
    class Security {

        @ParameterizedTest
        @ValueSource(strings = {CODE_SERVER, AGENT, NGINX, GENERIC})
        void everyContainerIsLockedDown(String image) {
            Deployment d = DesiredState.deployment(workspace(image).build(), NONE);
            List<Container> all = Stream.concat(podSpec(d).getContainers().stream(), podSpec(d).getInitContainers().stream())
                    .collect(Collectors.toList());
            for (Container c : all) {
                SecurityContext sc = c.getSecurityContext();
                assertNotNull(sc, c.getName());
                assertEquals(Boolean.FALSE, sc.getAllowPrivilegeEscalation());
                assertEquals(List.of("ALL"), sc.getCapabilities().getDrop());
                assertTrue(sc.getCapabilities().getAdd() == null || sc.getCapabilities().getAdd().isEmpty());
                assertEquals("RuntimeDefault", sc.getSeccompProfile().getType());
                assertNotEquals(Boolean.TRUE, sc.getPrivileged());
            }
        }

        @ParameterizedTest
        @ValueSource(strings = {CODE_SERVER, AGENT, GENERIC})
        void nonNginxImagesRunAsNonRoot(String image) {
            assertEquals(Boolean.TRUE, container(workspace(image).build()).getSecurityContext().getRunAsNonRoot());
        }

        @Test
        void codeServerRunsAsUser1000() {
            assertEquals(1000L, container(workspace(CODE_SERVER).build()).getSecurityContext().getRunAsUser());
        }

        @Test
        void nginxIsNotForcedToRunAsNonRoot() {
            SecurityContext sc = container(workspace(NGINX).build()).getSecurityContext();
            assertNotEquals(Boolean.TRUE, sc.getRunAsNonRoot());
            assertNull(sc.getRunAsUser());
        }

        @ParameterizedTest
        @ValueSource(strings = {CODE_SERVER, AGENT, NGINX, GENERIC})
        void podIsRestrictedFriendly(String image) {
            PodSpec pod = podSpec(DesiredState.deployment(workspace(image).build(), NONE));
            assertTrue(pod.getInitContainers() == null || pod.getInitContainers().isEmpty(), "no init containers");
            for (Volume v : pod.getVolumes() == null ? List.<Volume>of() : pod.getVolumes()) {
                assertNull(v.getEmptyDir(), "no emptyDir volume " + v.getName());
                assertNull(v.getHostPath(), "no hostPath volume " + v.getName());
            }
            assertEquals(Boolean.FALSE, pod.getAutomountServiceAccountToken());
            assertNotEquals(Boolean.TRUE, pod.getHostNetwork());
            assertNotEquals(Boolean.TRUE, pod.getHostPID());
            assertNotEquals(Boolean.TRUE, pod.getHostIPC());
        }
    }

    // --- probes ---------------------------------------------------------------------------

    @Nested
    class Probes {

        @Test
        void codeServerIsProbedWithHttpGetHealthzOnTheFirstPort() {
            Container c = container(workspace(CODE_SERVER).port(9000, "ide").port(9229, "debug").build());
            for (Probe p : List.of(c.getReadinessProbe(), c.getLivenessProbe())) {
                assertNotNull(p.getHttpGet());
                assertEquals("/healthz", p.getHttpGet().getPath());
                assertEquals(9000, p.getHttpGet().getPort().getIntVal());
                assertNull(p.getTcpSocket());
            }
        }

        @Test
        void genericImagesAreProbedWithTcpOnTheFirstPort() {
            Container c = container(workspace(GENERIC).port(7000, "app").port(7001, "admin").build());
            for (Probe p : List.of(c.getReadinessProbe(), c.getLivenessProbe())) {
                assertNotNull(p.getTcpSocket());
                assertEquals(7000, p.getTcpSocket().getPort().getIntVal());
                assertNull(p.getHttpGet());
            }
        }

        @Test
        void nginxIsProbedWithHttpOnPort80() {
            Probe p = container(workspace(NGINX).build()).getReadinessProbe();
            assertEquals(80, p.getHttpGet().getPort().getIntVal());
        }
    }

    // --- resources and pull secret ---------------------------------------------------------

    @Nested
    class ResourcesAndPullSecret {

        static String q(Map<String, Quantity> m, String key) {
            Quantity q = m.get(key);
            return q == null ? null : q.toString();
        }

        @Test
        void requestsAndLimitsAreMappedFromTheSpec() {
            ResourceRequirements r = container(workspace(GENERIC).resources("250m", "512Mi", "2", "4Gi").build()).getResources();
            assertEquals("250m", q(r.getRequests(), "cpu"));
            assertEquals("512Mi", q(r.getRequests(), "memory"));
            assertEquals("2", q(r.getLimits(), "cpu"));
            assertEquals("4Gi", q(r.getLimits(), "memory"));
        }

        @Test
        void onlyGivenValuesAreSet() {
            ResourceRequirements r = container(workspace(GENERIC).resources("100m", null, null, "1Gi").build()).getResources();
            assertEquals(Set.of("cpu"), r.getRequests().keySet());
            assertEquals(Set.of("memory"), r.getLimits().keySet());
            assertEquals("100m", q(r.getRequests(), "cpu"));
            assertEquals("1Gi", q(r.getLimits(), "memory"));
        }

        @Test
        void noResourcesWhenAbsent() {
            ResourceRequirements r = container(workspace(GENERIC).build()).getResources();
            assertTrue(r == null || ((r.getRequests() == null || r.getRequests().isEmpty())
                    && (r.getLimits() == null || r.getLimits().isEmpty())), "resources: " + r);
        }

        @Test
        void imagePullSecretFromDefaultsIsAdded() {
            WorkspaceDefaults d = new WorkspaceDefaults(false, null, null, null, null, null, null, null, "regcred");
            List<LocalObjectReference> secrets = podSpec(DesiredState.deployment(workspace(GENERIC).build(), d)).getImagePullSecrets();
            assertEquals(List.of("regcred"), secrets.stream().map(LocalObjectReference::getName).collect(Collectors.toList()));
        }

        @Test
        void noImagePullSecretWithoutADefault() {
            WorkspaceDefaults blank = new WorkspaceDefaults(false, null, null, null, null, null, null, null, " ");
            for (WorkspaceDefaults d : List.of(NONE, blank)) {
                List<LocalObjectReference> secrets = podSpec(DesiredState.deployment(workspace(GENERIC).build(), d)).getImagePullSecrets();
                assertTrue(secrets == null || secrets.isEmpty(), "pull secrets: " + secrets);
            }
        }
    }

    // --- service type ---------------------------------------------------------------------

    @Nested
    class ServiceType {

        static final String POOL_ANNOTATION = "metallb.universe.tf/address-pool";

        static String type(Workspace ws, WorkspaceDefaults d) {
            return DesiredState.service(ws, d).getSpec().getType();
        }

        static Map<String, String> annotations(Service s) {
            return s.getMetadata().getAnnotations() == null ? Map.of() : s.getMetadata().getAnnotations();
        }

        @Test
        void clusterIpByDefault() {
            assertEquals("ClusterIP", type(workspace(CODE_SERVER).build(), NONE));
        }

        @Test
        void loadBalancerWhenTheSpecAsks() {
            assertEquals("LoadBalancer", type(workspace(CODE_SERVER).exposureType("LoadBalancer").build(), NONE));
        }

        @Test
        void loadBalancerWhenTheClusterDefaultSaysSoAndTheSpecHasNoType() {
            assertEquals("LoadBalancer", type(workspace(CODE_SERVER).build(), defaults(true, null)));
            assertEquals("LoadBalancer", type(workspace(CODE_SERVER).exposure(new Exposure()).build(), defaults(true, null)));
        }

        @Test
        void specTypeWinsOverTheClusterDefault() {
            assertEquals("ClusterIP", type(workspace(CODE_SERVER).exposureType("ClusterIP").build(), defaults(true, null)));
        }

        @Test
        void ingressExposureUsesAClusterIpService() {
            assertEquals("ClusterIP", type(workspace(CODE_SERVER).exposure(ingressExposure("example.test")).build(), defaults(true, "pool-a")));
        }

        @Test
        void metallbPoolAnnotationOnlyForLoadBalancerWithAPool() {
            Service lbWithPool = DesiredState.service(workspace(CODE_SERVER).exposureType("LoadBalancer").build(), defaults(false, "pool-a"));
            assertEquals("pool-a", annotations(lbWithPool).get(POOL_ANNOTATION));

            Service lbWithoutPool = DesiredState.service(workspace(CODE_SERVER).exposureType("LoadBalancer").build(), NONE);
            assertFalse(annotations(lbWithoutPool).containsKey(POOL_ANNOTATION));

            Service clusterIpWithPool = DesiredState.service(workspace(CODE_SERVER).build(), defaults(false, "pool-a"));
            assertFalse(annotations(clusterIpWithPool).containsKey(POOL_ANNOTATION));
        }
    }

    // --- password secret ------------------------------------------------------------------

    @Nested
    class PasswordSecret {

        static String password(Secret s) {
            String b64 = s.getData() == null ? null : s.getData().get(DesiredState.PASSWORD_KEY);
            return b64 == null ? null : new String(java.util.Base64.getDecoder().decode(b64), java.nio.charset.StandardCharsets.UTF_8);
        }

        @Test
        void onlyCodeServerGetsAPasswordSecret() {
            assertTrue(DesiredState.passwordSecret(workspace(CODE_SERVER).build(), Optional.empty()).isPresent());
            for (String image : List.of(GENERIC, NGINX, AGENT)) {
                assertTrue(DesiredState.passwordSecret(workspace(image).build(), Optional.empty()).isEmpty(), image);
            }
        }

        @Test
        void secretIsTheOneTheDeploymentReferences() {
            Workspace ws = workspace(CODE_SERVER).name("frank").build();
            Secret s = DesiredState.passwordSecret(ws, Optional.empty()).orElseThrow();
            EnvVar pw = env(container(ws), "PASSWORD").orElseThrow();
            assertEquals("frank-password", s.getMetadata().getName());
            assertEquals(ws.getMetadata().getNamespace(), s.getMetadata().getNamespace());
            assertEquals(pw.getValueFrom().getSecretKeyRef().getName(), s.getMetadata().getName());
            assertTrue(s.getData().containsKey(pw.getValueFrom().getSecretKeyRef().getKey()));
            assertEquals("frank", s.getMetadata().getLabels().get(DesiredState.WORKSPACE_LABEL));
        }

        @Test
        void anExistingPasswordIsKept() {
            Secret s = DesiredState.passwordSecret(workspace(CODE_SERVER).build(), Optional.of("kept-secret-value")).orElseThrow();
            assertEquals("kept-secret-value", password(s));
        }

        @Test
        void aNewPasswordIsRandomAndLong() {
            Workspace ws = workspace(CODE_SERVER).build();
            String a = password(DesiredState.passwordSecret(ws, Optional.empty()).orElseThrow());
            String b = password(DesiredState.passwordSecret(ws, Optional.empty()).orElseThrow());
            assertNotNull(a);
            assertTrue(a.length() >= 20, "length " + a.length());
            assertTrue(b.length() >= 20, "length " + b.length());
            assertNotEquals(a, b);
        }
    }

    // --- ingress --------------------------------------------------------------------------

    @Nested
    class IngressExposure {

        static final String ISSUER = "cert-manager.io/cluster-issuer";
        static final String AUTH_URL = "nginx.ingress.kubernetes.io/auth-url";
        static final String AUTH_SIGNIN = "nginx.ingress.kubernetes.io/auth-signin";

        static Map<String, String> annotations(Ingress i) {
            return i.getMetadata().getAnnotations() == null ? Map.of() : i.getMetadata().getAnnotations();
        }

        static Exposure full() {
            Exposure e = ingressExposure("apps.example.test");
            e.setIngressClass("nginx");
            e.setTlsIssuer("letsencrypt-prod");
            e.setTlsSecret("wildcard-apps-tls");
            e.setAuthURL("https://auth.example.test/oauth2/auth");
            e.setAuthSignin("https://auth.example.test/oauth2/start?rd=$escaped_request_uri");
            return e;
        }

        @Test
        void fullySpecifiedIngress() {
            Workspace ws = workspace(CODE_SERVER).name("gina").port(9000, "ide").exposure(full()).build();
            Ingress ing = ingressOf(ws, NONE);
            assertEquals("gina", ing.getMetadata().getName());
            assertEquals(ws.getMetadata().getNamespace(), ing.getMetadata().getNamespace());
            assertEquals("nginx", ing.getSpec().getIngressClassName());

            List<IngressRule> rules = ing.getSpec().getRules();
            assertEquals(1, rules.size());
            assertEquals("gina.apps.example.test", rules.get(0).getHost());
            var backend = rules.get(0).getHttp().getPaths().get(0).getBackend().getService();
            assertEquals("gina", backend.getName(), "routes to the workspace Service");
            assertEquals(9000, backend.getPort().getNumber());

            Map<String, String> ann = annotations(ing);
            assertEquals("letsencrypt-prod", ann.get(ISSUER));
            assertEquals(full().getAuthURL(), ann.get(AUTH_URL));
            assertEquals(full().getAuthSignin(), ann.get(AUTH_SIGNIN));

            List<IngressTLS> tls = ing.getSpec().getTls();
            assertEquals(1, tls.size());
            assertEquals(List.of("gina.apps.example.test"), tls.get(0).getHosts());
            assertEquals("wildcard-apps-tls", tls.get(0).getSecretName());
        }

        @Test
        void proxyTimeoutsAreLongForWebSockets() {
            Ingress ing = ingressOf(workspace(CODE_SERVER).exposure(ingressExposure("example.test")).build(), NONE);
            for (String key : List.of("nginx.ingress.kubernetes.io/proxy-read-timeout", "nginx.ingress.kubernetes.io/proxy-send-timeout")) {
                String v = annotations(ing).get(key);
                assertNotNull(v, key);
                assertTrue(Integer.parseInt(v) >= 3600, key + "=" + v);
            }
        }

        @Test
        void issuerWithoutSecretUsesNameTlsSecret() {
            Exposure e = ingressExposure("example.test");
            e.setTlsIssuer("letsencrypt");
            Ingress ing = ingressOf(workspace(CODE_SERVER).name("hank").exposure(e).build(), NONE);
            assertEquals("letsencrypt", annotations(ing).get(ISSUER));
            assertEquals("hank-tls", ing.getSpec().getTls().get(0).getSecretName());
            assertEquals(List.of("hank.example.test"), ing.getSpec().getTls().get(0).getHosts());
        }

        @Test
        void noTlsAndNoAuthWhenNothingIsConfigured() {
            Ingress ing = ingressOf(workspace(CODE_SERVER).exposure(ingressExposure("example.test")).build(), NONE);
            assertTrue(ing.getSpec().getTls() == null || ing.getSpec().getTls().isEmpty());
            assertFalse(annotations(ing).containsKey(ISSUER));
            assertFalse(annotations(ing).containsKey(AUTH_URL));
            assertFalse(annotations(ing).containsKey(AUTH_SIGNIN));
        }

        @Test
        void clusterDefaultsFillWhatTheSpecLeavesOut() {
            WorkspaceDefaults d = ingressDefaults("lab.example.test", "traefik", "ca-issuer", null,
                    "https://sso.example.test/auth", "https://sso.example.test/start");
            Ingress ing = ingressOf(workspace(CODE_SERVER).name("ivy").exposureType("Ingress").build(), d);
            assertEquals("ivy.lab.example.test", ing.getSpec().getRules().get(0).getHost());
            assertEquals("traefik", ing.getSpec().getIngressClassName());
            assertEquals("ca-issuer", annotations(ing).get(ISSUER));
            assertEquals("ivy-tls", ing.getSpec().getTls().get(0).getSecretName());
            assertEquals("https://sso.example.test/auth", annotations(ing).get(AUTH_URL));
            assertEquals("https://sso.example.test/start", annotations(ing).get(AUTH_SIGNIN));
        }

        @Test
        void specWinsOverClusterDefaults() {
            WorkspaceDefaults d = ingressDefaults("lab.example.test", "traefik", "ca-issuer", "default-tls", null, null);
            Ingress ing = ingressOf(workspace(CODE_SERVER).name("jo").exposure(full()).build(), d);
            assertEquals("jo.apps.example.test", ing.getSpec().getRules().get(0).getHost());
            assertEquals("nginx", ing.getSpec().getIngressClassName());
            assertEquals("letsencrypt-prod", annotations(ing).get(ISSUER));
            assertEquals("wildcard-apps-tls", ing.getSpec().getTls().get(0).getSecretName());
        }

        @Test
        void noIngressWhenTheTypeIsIngressButNoDomainIsKnown() {
            Workspace ws = workspace(CODE_SERVER).exposureType("Ingress").build();
            assertTrue(DesiredState.ingress(ws, NONE).isEmpty());
            assertTrue(DesiredState.ingress(ws, ingressDefaults(" ", "nginx", "issuer", null, null, null)).isEmpty());
        }

        @Test
        void noIngressForOtherExposureTypes() {
            WorkspaceDefaults d = ingressDefaults("lab.example.test", "nginx", null, null, null, null);
            assertTrue(DesiredState.ingress(workspace(CODE_SERVER).build(), d).isEmpty());
            assertTrue(DesiredState.ingress(workspace(CODE_SERVER).exposureType("LoadBalancer").build(), d).isEmpty());
            Exposure clusterIpWithDomain = ingressExposure("example.test");
            clusterIpWithDomain.setType("ClusterIP");
            assertTrue(DesiredState.ingress(workspace(CODE_SERVER).exposure(clusterIpWithDomain).build(), d).isEmpty());
        }
    }
}
