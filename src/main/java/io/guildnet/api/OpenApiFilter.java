package io.guildnet.api;

import org.eclipse.microprofile.openapi.OASFactory;
import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.models.media.Schema;

/**
 * Completes the generated OpenAPI document: resources that return JSON-P arrays give
 * "array" schemas without items, which the OpenAPI validator rejects; they are declared
 * as arrays of objects.
 */
public class OpenApiFilter implements OASFilter {

    @Override
    public Schema filterSchema(Schema schema) {
        if (schema.getType() == Schema.SchemaType.ARRAY && schema.getItems() == null) {
            schema.setItems(OASFactory.createSchema().type(Schema.SchemaType.OBJECT));
        }
        return schema;
    }
}
