package io.guildnet.batch.setup;

/** A setup step that cannot succeed; {@code permanent} ones are not retried (e.g. a permission denied). */
public class SetupFailure extends Exception {

    private final boolean permanent;

    public SetupFailure(String message, boolean permanent) {
        super(message);
        this.permanent = permanent;
    }

    public boolean permanent() { return permanent; }
}
