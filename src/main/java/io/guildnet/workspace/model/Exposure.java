package io.guildnet.workspace.model;

import com.fasterxml.jackson.annotation.JsonInclude;

/** How a workspace is reached besides the Host App's proxy: ClusterIP (default), LoadBalancer or Ingress. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class Exposure {

    /** ClusterIP | LoadBalancer | Ingress. */
    private String type;
    private String domain;
    private String ingressClass;
    private String tlsIssuer;
    private String tlsSecret;
    private String authURL;
    private String authSignin;

    public String getType() { return type; }

    public void setType(String type) { this.type = type; }

    public String getDomain() { return domain; }

    public void setDomain(String domain) { this.domain = domain; }

    public String getIngressClass() { return ingressClass; }

    public void setIngressClass(String ingressClass) { this.ingressClass = ingressClass; }

    public String getTlsIssuer() { return tlsIssuer; }

    public void setTlsIssuer(String tlsIssuer) { this.tlsIssuer = tlsIssuer; }

    public String getTlsSecret() { return tlsSecret; }

    public void setTlsSecret(String tlsSecret) { this.tlsSecret = tlsSecret; }

    public String getAuthURL() { return authURL; }

    public void setAuthURL(String authURL) { this.authURL = authURL; }

    public String getAuthSignin() { return authSignin; }

    public void setAuthSignin(String authSignin) { this.authSignin = authSignin; }
}
