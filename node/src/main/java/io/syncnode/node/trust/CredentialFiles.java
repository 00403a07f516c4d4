package io.syncnode.node.trust;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * Reads the PEM files of a CA or node directory. Every failure is a {@link CredentialsException}
 * that names the file, says what is wrong, and ends with the caller's remedy.
 */
final class CredentialFiles {
    private static final Set<PosixFilePermission> READ_BY_OTHERS =
            EnumSet.of(PosixFilePermission.GROUP_READ, PosixFilePermission.OTHERS_READ);
    private static final Set<PosixFilePermission> WRITE_BY_OTHERS =
            EnumSet.of(PosixFilePermission.GROUP_WRITE, PosixFilePermission.OTHERS_WRITE);

    private CredentialFiles() {
    }

    /** The file's text (PEM is ASCII; other bytes are kept, never a decoding error). */
    static String readText(Path file, String remedy) throws CredentialsException {
        try {
            return new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
        } catch (NoSuchFileException e) {
            throw new CredentialsException(file + " does not exist" + remedy(remedy), e);
        } catch (AccessDeniedException e) {
            throw new CredentialsException(file + " is not readable by this user (permission denied)"
                    + remedy(remedy), e);
        } catch (IOException e) {
            throw new CredentialsException("cannot read " + file + ": " + e.getMessage() + remedy(remedy), e);
        }
    }

    /** The blocks of {@code type} in {@code file}. */
    static List<byte[]> readPem(Path file, String type, String remedy) throws CredentialsException {
        try {
            return Pem.decode(readText(file, remedy), type);
        } catch (IllegalArgumentException e) {
            throw new CredentialsException(file + ": " + e.getMessage() + remedy(remedy), e);
        }
    }

    /** The one certificate in {@code file}, as DER. */
    static byte[] readCertificate(Path file, String remedy) throws CredentialsException {
        List<byte[]> ders = readPem(file, Pem.CERTIFICATE, remedy);
        if (ders.size() != 1) {
            throw new CredentialsException(file + " holds " + ders.size() + " PEM CERTIFICATE blocks, not exactly one"
                    + remedy(remedy));
        }
        return ders.get(0);
    }

    /** The raw 32-byte Ed25519 key in the PKCS#8 PEM {@code file}. */
    static byte[] readPrivateKey(Path file, String remedy) throws CredentialsException {
        List<byte[]> ders = readPem(file, Pem.PRIVATE_KEY, remedy);
        if (ders.size() != 1) {
            throw new CredentialsException(file + " holds " + ders.size() + " PEM PRIVATE KEY blocks, not exactly one"
                    + remedy(remedy));
        }
        try {
            return Pkcs8.decode(ders.get(0));
        } catch (IllegalArgumentException e) {
            throw new CredentialsException(file + ": " + e.getMessage() + remedy(remedy), e);
        }
    }

    /**
     * Refuses a key file that users other than its owner may read or write. Skipped on file
     * systems without POSIX permissions.
     */
    static void requirePrivate(Path keyFile) throws CredentialsException {
        Set<PosixFilePermission> mode;
        try {
            mode = Files.getPosixFilePermissions(keyFile);
        } catch (UnsupportedOperationException e) {
            return; // no POSIX modes on this file system: nothing to check
        } catch (IOException e) {
            throw new CredentialsException("cannot read the permissions of " + keyFile + ": " + e.getMessage(), e);
        }
        boolean readable = mode.stream().anyMatch(READ_BY_OTHERS::contains);
        boolean writable = mode.stream().anyMatch(WRITE_BY_OTHERS::contains);
        if (readable || writable) {
            throw new CredentialsException(keyFile + " is " + (readable ? "readable" : "writable")
                    + " by other users (mode " + octal(mode) + "); run chmod 600 " + keyFile);
        }
    }

    /** {@code rw-r--r--} as {@code 0644}. */
    static String octal(Set<PosixFilePermission> mode) {
        String symbolic = PosixFilePermissions.toString(mode);
        int value = 0;
        for (int i = 0; i < symbolic.length(); i++) {
            value = value << 1 | (symbolic.charAt(i) == '-' ? 0 : 1);
        }
        return String.format("%04o", value);
    }

    private static String remedy(String remedy) {
        return remedy == null || remedy.isEmpty() ? "" : "; " + remedy;
    }
}
