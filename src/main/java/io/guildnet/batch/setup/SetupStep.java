package io.guildnet.batch.setup;

import jakarta.json.JsonObject;

/**
 * One idempotent step of {@code guildnet-setup}. {@link #apply} returns what it changed (the
 * "undo" record, persisted so a rollback works after a restart too); {@link #rollback} reverts
 * exactly that and nothing the step found already in place.
 */
public interface SetupStep {

    /** What applying does, or {@code skipped} with the reason: applied, unchanged or skipped. */
    record Result(String outcome, String message, JsonObject undo) {
        public static Result applied(String m, JsonObject undo) { return new Result("applied", m, undo); }

        public static Result unchanged(String m) { return new Result("unchanged", m, jakarta.json.JsonValue.EMPTY_JSON_OBJECT); }

        public static Result skipped(String m) { return new Result("skipped", m, jakarta.json.JsonValue.EMPTY_JSON_OBJECT); }
    }

    String name();

    /** One line for the dry-run plan. */
    String plan(SetupContext ctx);

    Result apply(SetupContext ctx) throws Exception;

    void rollback(SetupContext ctx, JsonObject undo) throws Exception;
}
