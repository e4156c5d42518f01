package io.guildnet.workspace;

/** Cluster-wide defaults the desired state depends on (from the cluster settings / ConfigMap). */
public record WorkspaceDefaults(boolean loadBalancer, String metallbPool, String ingressDomain, String ingressClass,
                                String tlsIssuer, String tlsSecret, String authURL, String authSignin, String imagePullSecret) {

    public static WorkspaceDefaults none() {
        return new WorkspaceDefaults(false, null, null, null, null, null, null, null, null);
    }
}
