package io.guildnet.batch.setup;

import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs setup steps with retries and exponential backoff, and rolls applied steps back in
 * reverse order. The batch job calls {@link #runStep} and {@link #rollback} from its own steps
 * (so each shows in the job's step list); {@link #runAll} is the same sequence in one call.
 */
public final class SetupRunner {

    /** Retry policy: attempts = 1 + retries, waits backoff, 2×backoff, … up to maxBackoff. */
    public record Policy(int retries, Duration backoff, Duration maxBackoff) {
        public Duration delay(int attempt) {
            long ms = backoff.toMillis() << Math.min(attempt - 1, 20);
            return Duration.ofMillis(Math.min(ms, maxBackoff.toMillis()));
        }
    }

    /** A step that applied something, with its undo record. */
    public record Applied(String step, JsonObject undo) {}

    public interface Sleeper {
        void sleep(Duration d) throws InterruptedException;
    }

    private final Sleeper sleeper;

    public SetupRunner(Sleeper sleeper) {
        this.sleeper = sleeper;
    }

    public static SetupRunner real() {
        return new SetupRunner(d -> Thread.sleep(d.toMillis()));
    }

    /** Applies one step, retrying transient failures; throws the last failure. */
    public SetupStep.Result runStep(SetupStep step, SetupContext ctx, Policy policy) throws Exception {
        int attempt = 0;
        while (true) {
            attempt++;
            try {
                SetupStep.Result r = step.apply(ctx);
                ctx.info(step.name(), r.outcome() + ": " + r.message());
                return r;
            } catch (Exception e) {
                boolean permanent = e instanceof SetupFailure f && f.permanent();
                String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
                if (permanent || attempt > policy.retries() || ctx.stopRequested().getAsBoolean()) {
                    ctx.info(step.name(), "failed" + (attempt > 1 ? " after " + attempt + " attempts" : "") + ": " + why);
                    throw e;
                }
                Duration d = policy.delay(attempt);
                ctx.info(step.name(), "attempt " + attempt + " failed (" + why + "); retrying in " + d.toMillis() + " ms");
                sleeper.sleep(d);
            }
        }
    }

    /** Rolls back {@code applied} newest first; a failing rollback is logged and the rest still run. Returns the steps rolled back. */
    public List<String> rollback(List<Applied> applied, SetupContext ctx) {
        return rollback(applied, ctx, SetupSteps::byName);
    }

    /** As {@link #rollback(List, SetupContext)} for steps of another job ({@code steps} finds a step by name). */
    public List<String> rollback(List<Applied> applied, SetupContext ctx, java.util.function.Function<String, SetupStep> steps) {
        List<String> done = new ArrayList<>();
        for (int i = applied.size() - 1; i >= 0; i--) {
            Applied a = applied.get(i);
            try {
                steps.apply(a.step()).rollback(ctx, a.undo());
                done.add(a.step());
            } catch (Exception e) {
                ctx.info(a.step(), "rollback failed: " + e.getMessage());
            }
        }
        return done;
    }

    /** The plan a dry run prints: one line per step. */
    public List<String> plan(List<SetupStep> steps, SetupContext ctx) {
        List<String> out = new ArrayList<>();
        int i = 1;
        for (SetupStep s : steps) out.add(i++ + ". " + s.name() + ": " + s.plan(ctx));
        return out;
    }

    /**
     * Every step in order; on a failure the applied ones are rolled back in reverse. Returns
     * {@code {status: succeeded|rolled_back, failed_step?, error?, steps:[{name,outcome,message}], rolled_back:[…]}}.
     */
    public JsonObject runAll(List<SetupStep> steps, SetupContext ctx, Policy policy) {
        List<Applied> applied = new ArrayList<>();
        JsonArrayBuilder log = Json.createArrayBuilder();
        for (SetupStep s : steps) {
            try {
                SetupStep.Result r = runStep(s, ctx, policy);
                log.add(Json.createObjectBuilder().add("name", s.name()).add("outcome", r.outcome()).add("message", r.message()));
                if ("applied".equals(r.outcome())) applied.add(new Applied(s.name(), r.undo()));
            } catch (Exception e) {
                log.add(Json.createObjectBuilder().add("name", s.name()).add("outcome", "failed").add("message", String.valueOf(e.getMessage())));
                // the steps given here (guildnet-setup's or another job's, e.g. tailnet-provision) roll back
                List<String> rolled = rollback(applied, ctx, n -> steps.stream().filter(x -> x.name().equals(n)).findFirst()
                        .orElseThrow(() -> new IllegalArgumentException("unknown step " + n)));
                return Json.createObjectBuilder().add("status", "rolled_back").add("failed_step", s.name())
                        .add("error", String.valueOf(e.getMessage())).add("steps", log)
                        .add("rolled_back", Json.createArrayBuilder(rolled)).build();
            }
        }
        return Json.createObjectBuilder().add("status", "succeeded").add("steps", log).add("rolled_back", Json.createArrayBuilder()).build();
    }
}
