package io.syncnode.node.trust;

/**
 * Credentials that cannot be used: a missing or unreadable file, a key readable by other users, a
 * key that does not match its certificate, a certificate the bundle does not vouch for. The
 * message names the file and says how to fix it; it is shown to the operator as it is.
 */
public final class CredentialsException extends Exception {
    private static final long serialVersionUID = 1L;

    public CredentialsException(String message) {
        super(message);
    }

    public CredentialsException(String message, Throwable cause) {
        super(message, cause);
    }
}
