package io.guildnet.workspace;

import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.ContainerPortBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.ProbeBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.ServicePortBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressBuilder;
import io.guildnet.workspace.model.Exposure;
import io.guildnet.workspace.model.Workspace;
import io.guildnet.workspace.model.WorkspacePort;
import io.guildnet.workspace.model.WorkspaceResources;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Pure functions from a Workspace (and the cluster defaults) to the objects it should
 * produce: Deployment, Service, password Secret, Ingress. Tested without a cluster; the
 * reconciler only compares and applies.
 */
public final class DesiredState {

    public static final String WORKSPACE_LABEL = "guildnet.io/workspace";
    public static final String MANAGED_BY = "app.kubernetes.io/managed-by";
    public static final String PASSWORD_KEY = "password";
    static final SecureRandom RANDOM = new SecureRandom();

    private DesiredState() {}

    public static String passwordSecretName(Workspace ws) { return ws.getMetadata().getName() + "-password"; }

    /** Labels on every owned object; user labels never override ours. */
    public static Map<String, String> labels(Workspace ws) {
        Map<String, String> l = new LinkedHashMap<>(ws.getSpec().getLabels());
        l.put(WORKSPACE_LABEL, ws.getMetadata().getName());
        l.put("app.kubernetes.io/name", ws.getMetadata().getName());
        l.put(MANAGED_BY, "guildnet");
        return l;
    }

    public static Map<String, String> selector(Workspace ws) {
        return Map.of(WORKSPACE_LABEL, ws.getMetadata().getName());
    }

    static OwnerReference owner(Workspace ws) {
        return new OwnerReferenceBuilder().withApiVersion(ws.getApiVersion()).withKind(ws.getKind())
                .withName(ws.getMetadata().getName()).withUid(ws.getMetadata().getUid())
                .withController(true).withBlockOwnerDeletion(true).build();
    }

    /** The ports to expose: the spec's, else the profile's default (named http). */
    public static List<WorkspacePort> ports(Workspace ws) {
        List<WorkspacePort> ports = ws.getSpec().getPorts();
        if (ports != null && !ports.isEmpty()) return ports;
        List<WorkspacePort> out = new ArrayList<>();
        for (int p : ImageProfile.of(ws.getSpec().getImage()).defaultPorts()) out.add(new WorkspacePort(p, "http", "TCP"));
        return out;
    }

    /**
     * Port names, in order: a given name as is; an unnamed port gets {@code http} (first port) or
     * {@code port-<n>}, else {@code port-<n>-<protocol>}, skipping names already taken, because the
     * API server rejects duplicate port names in a Service or container.
     */
    static List<String> portNames(List<WorkspacePort> ports) {
        Set<String> used = new HashSet<>();
        for (WorkspacePort p : ports) if (p.getName() != null && !p.getName().isBlank()) used.add(p.getName());
        List<String> names = new ArrayList<>();
        for (int i = 0; i < ports.size(); i++) {
            WorkspacePort p = ports.get(i);
            if (p.getName() != null && !p.getName().isBlank()) {
                names.add(p.getName());
                continue;
            }
            String base = "port-" + p.getContainerPort();
            String name = i == 0 && !used.contains("http") ? "http" : base;
            if (used.contains(name)) name = base + "-" + protocol(p).toLowerCase(Locale.ROOT);
            for (int n = 2; used.contains(name); n++) name = base + "-" + n;
            used.add(name);
            names.add(name);
        }
        return names;
    }

    static String protocol(WorkspacePort p) {
        return p.getProtocol() == null || p.getProtocol().isBlank() ? "TCP" : p.getProtocol().toUpperCase(Locale.ROOT);
    }

    public static Deployment deployment(Workspace ws, WorkspaceDefaults defaults) {
        String name = ws.getMetadata().getName();
        ImageProfile profile = ImageProfile.of(ws.getSpec().getImage());
        List<WorkspacePort> ports = ports(ws);
        int first = ports.get(0).getContainerPort();

        List<String> names = portNames(ports);
        List<ContainerPort> cports = new ArrayList<>();
        for (int i = 0; i < ports.size(); i++) {
            WorkspacePort p = ports.get(i);
            cports.add(new ContainerPortBuilder().withContainerPort(p.getContainerPort()).withName(names.get(i))
                    .withProtocol(protocol(p)).build());
        }
        List<EnvVar> env = new ArrayList<>(ws.getSpec().getEnv());
        if (env.stream().noneMatch(e -> "PORT".equals(e.getName()))) {
            env.add(new EnvVarBuilder().withName("PORT").withValue(String.valueOf(first)).build());
        }
        if (profile.needsPassword() && env.stream().noneMatch(e -> "PASSWORD".equals(e.getName()) || "HASHED_PASSWORD".equals(e.getName()))) {
            env.add(new EnvVarBuilder().withName("PASSWORD").withNewValueFrom().withNewSecretKeyRef()
                    .withName(passwordSecretName(ws)).withKey(PASSWORD_KEY).endSecretKeyRef().endValueFrom().build());
        }
        List<String> args = ws.getSpec().getArgs().isEmpty() ? profile.defaultArgs(first) : ws.getSpec().getArgs();

        ContainerBuilder c = new ContainerBuilder().withName("workspace").withImage(ws.getSpec().getImage())
                .withPorts(cports).withEnv(env).withArgs(args)
                .withNewSecurityContext()
                    .withAllowPrivilegeEscalation(false)
                    .withNewCapabilities().withDrop("ALL").endCapabilities()
                    .withRunAsNonRoot(profile.runAsNonRoot() ? Boolean.TRUE : null)
                    .withRunAsUser(profile.runAsUser())
                    .withNewSeccompProfile().withType("RuntimeDefault").endSeccompProfile()
                .endSecurityContext()
                .withReadinessProbe(probe(profile, first, 5, 10, 3))
                .withLivenessProbe(probe(profile, first, 30, 20, 6));
        if (!ws.getSpec().getCommand().isEmpty()) c.withCommand(ws.getSpec().getCommand());
        WorkspaceResources r = ws.getSpec().getResources();
        if (r != null) {
            ResourceRequirementsBuilder rb = new ResourceRequirementsBuilder();
            if (r.getCpu() != null) rb.addToRequests("cpu", new Quantity(r.getCpu()));
            if (r.getMemory() != null) rb.addToRequests("memory", new Quantity(r.getMemory()));
            if (r.getLimitCpu() != null) rb.addToLimits("cpu", new Quantity(r.getLimitCpu()));
            if (r.getLimitMemory() != null) rb.addToLimits("memory", new Quantity(r.getLimitMemory()));
            c.withResources(rb.build());
        }
        DeploymentBuilder d = new DeploymentBuilder()
                .withNewMetadata().withName(name).withNamespace(ws.getMetadata().getNamespace()).withLabels(labels(ws))
                    .withOwnerReferences(owner(ws)).endMetadata()
                .withNewSpec().withReplicas(1)
                    .withNewSelector().withMatchLabels(selector(ws)).endSelector()
                    .withNewTemplate().withNewMetadata().withLabels(labels(ws)).endMetadata()
                        .withNewSpec().withContainers(c.build()).withAutomountServiceAccountToken(false)
                        .endSpec()
                    .endTemplate()
                .endSpec();
        if (defaults.imagePullSecret() != null && !defaults.imagePullSecret().isBlank()) {
            d.editSpec().editTemplate().editSpec().addNewImagePullSecret(defaults.imagePullSecret()).endSpec().endTemplate().endSpec();
        }
        return d.build();
    }

    static Probe probe(ImageProfile profile, int port, int initialDelay, int period, int failures) {
        ProbeBuilder b = new ProbeBuilder().withInitialDelaySeconds(initialDelay).withPeriodSeconds(period)
                .withTimeoutSeconds(5).withFailureThreshold(failures);
        if (profile.httpProbePath() != null) {
            b.withNewHttpGet().withPath(profile.httpProbePath()).withPort(new IntOrString(port)).endHttpGet();
        } else {
            b.withNewTcpSocket().withPort(new IntOrString(port)).endTcpSocket();
        }
        return b.build();
    }

    /** Exposure type: the spec's, else LoadBalancer when the cluster default says so, else ClusterIP. */
    public static String exposureType(Workspace ws, WorkspaceDefaults defaults) {
        Exposure e = ws.getSpec().getExposure();
        if (e != null && e.getType() != null && !e.getType().isBlank()) return e.getType();
        return defaults.loadBalancer() ? "LoadBalancer" : "ClusterIP";
    }

    public static Service service(Workspace ws, WorkspaceDefaults defaults) {
        List<WorkspacePort> ports = ports(ws);
        List<String> names = portNames(ports);
        List<ServicePort> sp = new ArrayList<>();
        for (int i = 0; i < ports.size(); i++) {
            WorkspacePort p = ports.get(i);
            sp.add(new ServicePortBuilder().withName(names.get(i)).withPort(p.getContainerPort())
                    .withTargetPort(new IntOrString(p.getContainerPort())).withProtocol(protocol(p)).build());
        }
        boolean lb = "LoadBalancer".equals(exposureType(ws, defaults));
        ServiceBuilder b = new ServiceBuilder()
                .withNewMetadata().withName(ws.getMetadata().getName()).withNamespace(ws.getMetadata().getNamespace())
                    .withLabels(labels(ws)).withOwnerReferences(owner(ws)).endMetadata()
                .withNewSpec().withType(lb ? "LoadBalancer" : "ClusterIP").withSelector(selector(ws)).withPorts(sp)
                    .withPublishNotReadyAddresses(false).endSpec();
        if (lb && defaults.metallbPool() != null && !defaults.metallbPool().isBlank()) {
            b.editMetadata().addToAnnotations("metallb.universe.tf/address-pool", defaults.metallbPool()).endMetadata();
        }
        return b.build();
    }

    /** The password Secret for profiles that need one; keeps an existing password. */
    public static Optional<Secret> passwordSecret(Workspace ws, Optional<String> existingPassword) {
        if (!ImageProfile.of(ws.getSpec().getImage()).needsPassword()) return Optional.empty();
        String pw = existingPassword.orElseGet(DesiredState::newPassword);
        return Optional.of(new SecretBuilder()
                .withNewMetadata().withName(passwordSecretName(ws)).withNamespace(ws.getMetadata().getNamespace())
                    .withLabels(labels(ws)).withOwnerReferences(owner(ws)).endMetadata()
                .withType("Opaque")
                .addToData(PASSWORD_KEY, Base64.getEncoder().encodeToString(pw.getBytes(java.nio.charset.StandardCharsets.UTF_8)))
                .build());
    }

    static String newPassword() {
        byte[] b = new byte[18];
        RANDOM.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    /** The Ingress when exposure is Ingress and a domain is known (spec or cluster default). */
    public static Optional<Ingress> ingress(Workspace ws, WorkspaceDefaults defaults) {
        if (!"Ingress".equals(exposureType(ws, defaults))) return Optional.empty();
        Exposure e = ws.getSpec().getExposure() == null ? new Exposure() : ws.getSpec().getExposure();
        String domain = first(e.getDomain(), defaults.ingressDomain());
        if (domain == null) return Optional.empty();
        String name = ws.getMetadata().getName();
        String host = name + "." + domain;
        Map<String, String> ann = new LinkedHashMap<>();
        // IDE sessions hold WebSockets open for hours
        ann.put("nginx.ingress.kubernetes.io/proxy-read-timeout", "86400");
        ann.put("nginx.ingress.kubernetes.io/proxy-send-timeout", "86400");
        String issuer = first(e.getTlsIssuer(), defaults.tlsIssuer());
        if (issuer != null) ann.put("cert-manager.io/cluster-issuer", issuer);
        String authUrl = first(e.getAuthURL(), defaults.authURL());
        if (authUrl != null) ann.put("nginx.ingress.kubernetes.io/auth-url", authUrl);
        String signin = first(e.getAuthSignin(), defaults.authSignin());
        if (signin != null) ann.put("nginx.ingress.kubernetes.io/auth-signin", signin);
        String tlsSecret = first(e.getTlsSecret(), defaults.tlsSecret());
        if (tlsSecret == null && issuer != null) tlsSecret = name + "-tls";
        int port = ports(ws).get(0).getContainerPort();
        IngressBuilder b = new IngressBuilder()
                .withNewMetadata().withName(name).withNamespace(ws.getMetadata().getNamespace()).withLabels(labels(ws))
                    .withAnnotations(ann).withOwnerReferences(owner(ws)).endMetadata()
                .withNewSpec().withIngressClassName(first(e.getIngressClass(), defaults.ingressClass()))
                    .addNewRule().withHost(host).withNewHttp().addNewPath().withPath("/").withPathType("Prefix")
                        .withNewBackend().withNewService().withName(name).withNewPort().withNumber(port).endPort().endService().endBackend()
                    .endPath().endHttp().endRule()
                .endSpec();
        if (tlsSecret != null) b.editSpec().addNewTl().withHosts(host).withSecretName(tlsSecret).endTl().endSpec();
        return Optional.of(b.build());
    }

    private static String first(String a, String b) {
        if (a != null && !a.isBlank()) return a;
        return b != null && !b.isBlank() ? b : null;
    }
}
