package dev.tollgate.observe;

/** The kind of credential a caller presented, whether or not it was accepted. */
public enum CredentialKind {
    NONE("none"),
    API_KEY("api-key"),
    JWT("jwt");

    private final String label;

    CredentialKind(String label) {
        this.label = label;
    }

    /** The name in logs, {@code api-key}. */
    public String label() {
        return label;
    }
}
