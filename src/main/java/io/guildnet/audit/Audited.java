package io.guildnet.audit;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Names the audit action of a mutating resource method. The entity id is taken
 * from the path parameter {@link #idParam()} when given. Mutations without this
 * annotation are still audited, under {@code <METHOD> <route>}.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface Audited {
    String action();

    String entityType();

    String idParam() default "";
}
