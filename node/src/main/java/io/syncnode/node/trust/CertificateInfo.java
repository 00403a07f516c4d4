package io.syncnode.node.trust;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * What {@code syncnode keygen show} prints about one certificate: names, fingerprints and
 * validity, with no judgement of trust (an expired or foreign certificate is shown all the same).
 *
 * @param file       the PEM file it came from
 * @param subject    the subject name, e.g. {@code CN=beta}
 * @param ca         whether it is a CA certificate
 * @param issuerName the issuer's name
 * @param issuer     the fingerprint of the issuing certificate when that is among the files read
 *                   (its own for a self-signed CA), else null
 */
public record CertificateInfo(Path file, String subject, Fingerprint fingerprint, boolean ca, String issuerName,
                              Fingerprint issuer, Instant notBefore, Instant notAfter) {

    /** Whether it is a self-signed certificate (a CA of the cluster). */
    public boolean selfSigned() {
        return fingerprint.equals(issuer);
    }

    /**
     * Reads every certificate of every PEM file, in order; an issuer is found among all of them
     * by subject name and signature.
     *
     * @throws CredentialsException naming a file that cannot be read or holds something that is
     *                              not a certificate
     */
    public static List<CertificateInfo> read(List<Path> files) throws CredentialsException {
        List<Path> origins = new ArrayList<>();
        List<ParsedCertificate> certificates = new ArrayList<>();
        for (Path file : files) {
            List<byte[]> ders = CredentialFiles.readPem(file, Pem.CERTIFICATE, null);
            if (ders.isEmpty()) {
                throw new CredentialsException(file + " holds no PEM CERTIFICATE");
            }
            for (int i = 0; i < ders.size(); i++) {
                try {
                    certificates.add(ParsedCertificate.parse(ders.get(i)));
                    origins.add(file);
                } catch (IllegalArgumentException e) {
                    throw new CredentialsException(file + ": certificate " + (i + 1) + " is " + e.getMessage(), e);
                }
            }
        }
        List<CertificateInfo> infos = new ArrayList<>();
        for (int i = 0; i < certificates.size(); i++) {
            ParsedCertificate certificate = certificates.get(i);
            infos.add(new CertificateInfo(origins.get(i), certificate.subject().toString(),
                    certificate.fingerprint(), certificate.isCa(), certificate.issuer().toString(),
                    issuer(certificate, certificates), certificate.notBefore(), certificate.notAfter()));
        }
        return infos;
    }

    private static Fingerprint issuer(ParsedCertificate certificate, List<ParsedCertificate> among) {
        for (ParsedCertificate candidate : among) {
            if (candidate.hasCaConstraint() && candidate.subject().equals(certificate.issuer())
                    && candidate.verifier() != null && certificate.isSignedBy(candidate.verifier())) {
                return candidate.fingerprint();
            }
        }
        return null;
    }
}
