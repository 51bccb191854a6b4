package dev.tollgate.local;

import dev.tollgate.policy.auth.apikey.KeyAdmin;
import java.io.PrintStream;

/** Where {@code ./tollgate keys} works: a DynamoDB table or a Cosmos DB container, and how to say so. */
interface KeysTarget {

    /**
     * The store's keys, open until closed.
     *
     * @param admin  the keys
     * @param closer what closes the store's client
     */
    record Session(KeyAdmin admin, Runnable closer) implements AutoCloseable {
        @Override
        public void close() {
            closer.run();
        }
    }

    Session open();

    /** What holds the keys, for messages: {@code table tollgate-keys}. */
    String name();

    /** Says on stderr which store the command uses. */
    void announce(PrintStream err);

    /** Why a call failed, in the user's terms. */
    String explain(Throwable cause);
}
