package io.guildnet.batch.artifacts;

import jakarta.batch.api.AbstractBatchlet;
import jakarta.batch.runtime.context.StepContext;
import jakarta.inject.Inject;

/** Base of the GuildNet batchlets: the value a step returns is also set as its exit status, so step listeners and the API see it. */
abstract class StepExit extends AbstractBatchlet {

    @Inject
    StepContext stepContext;

    protected String exit(String status) {
        stepContext.setExitStatus(status);
        return status;
    }
}
