package dev.tollgate.azure;

import com.azure.cosmos.CosmosContainer;
import com.azure.cosmos.CosmosException;
import com.azure.cosmos.models.PartitionKey;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Optional;

/** Reading one item of a container whose partition key is {@code /id}, the stores' way. */
final class CosmosItems {

    private static final int NOT_FOUND = 404;

    private CosmosItems() {
    }

    /** The item {@code id}, empty when there is none: a point read (1 RU for a small item). */
    static Optional<ObjectNode> read(CosmosContainer container, String id) {
        try {
            return Optional.of(container.readItem(id, new PartitionKey(id), ObjectNode.class).getItem());
        } catch (CosmosException e) {
            if (itemMissing(e)) {
                return Optional.empty();
            }
            throw e;
        }
    }

    /** A 404 about the item; a missing container or database also answers 404, with a sub-status. */
    static boolean itemMissing(CosmosException e) {
        return e.getStatusCode() == NOT_FOUND && e.getSubStatusCode() == 0;
    }
}
