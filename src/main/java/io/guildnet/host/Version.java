package io.guildnet.host;

/** The Host App version, from the war manifest when packaged. */
public final class Version {
    public static final String VERSION;

    static {
        String v = Version.class.getPackage() == null ? null : Version.class.getPackage().getImplementationVersion();
        VERSION = v == null ? "dev" : v;
    }

    private Version() {}
}
