package io.syncnode.node.trust;

import java.io.IOException;
import java.time.Instant;
import java.util.Arrays;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1String;
import org.bouncycastle.asn1.edec.EdECObjectIdentifiers;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.AuthorityKeyIdentifier;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.SubjectKeyIdentifier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.cert.CertException;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.bouncycastle.operator.ContentVerifierProvider;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.bc.BcEdDSAContentVerifierProviderBuilder;

/**
 * One X.509 certificate, decoded, with the facts the trust checks need and no judgement yet: a
 * CA certificate and a node certificate both parse. Immutable.
 *
 * <p>Implementation note: the DER must re-encode to the same bytes (strict DER, nothing after the
 * certificate), so that one certificate has exactly one {@link Fingerprint}.
 */
final class ParsedCertificate {
    private final byte[] der;
    private final X509CertificateHolder holder;
    private final Fingerprint fingerprint;
    private final String commonName;
    private final byte[] ed25519Key;
    private final boolean ca;
    private final boolean caConstraint;
    private final byte[] subjectKeyId;
    private final byte[] authorityKeyId;

    private ParsedCertificate(byte[] der, X509CertificateHolder holder) {
        this.der = der;
        this.holder = holder;
        this.fingerprint = Fingerprint.of(der);
        this.commonName = commonName(holder.getSubject());
        SubjectPublicKeyInfo key = holder.getSubjectPublicKeyInfo();
        this.ed25519Key = EdECObjectIdentifiers.id_Ed25519.equals(key.getAlgorithm().getAlgorithm())
                && key.getAlgorithm().getParameters() == null && key.getPublicKeyData().getPadBits() == 0
                && key.getPublicKeyData().getOctets().length == Ed25519.KEY_SIZE
                ? key.getPublicKeyData().getOctets() : null;
        BasicConstraints constraints = BasicConstraints.fromExtensions(holder.getExtensions());
        KeyUsage usage = KeyUsage.fromExtensions(holder.getExtensions());
        this.caConstraint = constraints != null && constraints.isCA();
        this.ca = caConstraint || (usage != null && usage.hasUsages(KeyUsage.keyCertSign));
        SubjectKeyIdentifier ski = SubjectKeyIdentifier.fromExtensions(holder.getExtensions());
        this.subjectKeyId = ski == null ? null : ski.getKeyIdentifier();
        AuthorityKeyIdentifier aki = AuthorityKeyIdentifier.fromExtensions(holder.getExtensions());
        this.authorityKeyId = aki == null ? null : aki.getKeyIdentifierOctets();
    }

    /**
     * Decodes one certificate.
     *
     * @throws IllegalArgumentException saying why {@code der} is not a DER X.509 certificate
     */
    static ParsedCertificate parse(byte[] der) {
        if (der == null || der.length == 0) {
            throw new IllegalArgumentException("no bytes");
        }
        byte[] copy = der.clone();
        X509CertificateHolder holder;
        byte[] reencoded;
        try {
            holder = new X509CertificateHolder(copy);
            reencoded = holder.toASN1Structure().getEncoded(ASN1Encoding.DER);
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("not an X.509 certificate (" + e.getMessage() + ")", e);
        }
        if (!Arrays.equals(copy, reencoded)) {
            throw new IllegalArgumentException("not in DER (distinguished) encoding");
        }
        try {
            return new ParsedCertificate(copy, holder);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("an extension does not decode (" + e.getMessage() + ")", e);
        }
    }

    /** The one CN of {@code subject}, or null when there is none or several. */
    private static String commonName(X500Name subject) {
        RDN[] rdns = subject.getRDNs(BCStyle.CN);
        if (rdns.length != 1 || rdns[0].isMultiValued()
                || !(rdns[0].getFirst().getValue() instanceof ASN1String value)) {
            return null;
        }
        return value.getString();
    }

    byte[] der() {
        return der.clone();
    }

    Fingerprint fingerprint() {
        return fingerprint;
    }

    X500Name subject() {
        return holder.getSubject();
    }

    X500Name issuer() {
        return holder.getIssuer();
    }

    /** The subject's CN, or null. */
    String commonName() {
        return commonName;
    }

    /** The raw Ed25519 public key, or null when the key is of another kind. */
    byte[] ed25519Key() {
        return ed25519Key == null ? null : ed25519Key.clone();
    }

    /** BasicConstraints CA:true, or a KeyUsage that allows signing certificates. */
    boolean isCa() {
        return ca;
    }

    /** BasicConstraints CA:true, what a trust anchor must have. */
    boolean hasCaConstraint() {
        return caConstraint;
    }

    /** The SubjectKeyIdentifier, or null. */
    byte[] subjectKeyId() {
        return subjectKeyId == null ? null : subjectKeyId.clone();
    }

    /** The AuthorityKeyIdentifier's key id, or null. */
    byte[] authorityKeyId() {
        return authorityKeyId == null ? null : authorityKeyId.clone();
    }

    Instant notBefore() {
        return holder.getNotBefore().toInstant();
    }

    Instant notAfter() {
        return holder.getNotAfter().toInstant();
    }

    boolean isSelfIssued() {
        return holder.getSubject().equals(holder.getIssuer());
    }

    /** Whether the certificate carries an Ed25519 signature that verifies with {@code signerKey}. */
    boolean isSignedBy(ContentVerifierProvider signerKey) {
        if (!EdECObjectIdentifiers.id_Ed25519.equals(holder.getSignatureAlgorithm().getAlgorithm())) {
            return false;
        }
        try {
            return holder.isSignatureValid(signerKey);
        } catch (CertException | RuntimeException e) {
            return false; // a signature that cannot even be checked is not a valid one
        }
    }

    /** A verifier for certificates signed by this certificate's key; null if it is not Ed25519. */
    ContentVerifierProvider verifier() {
        if (ed25519Key == null) {
            return null;
        }
        try {
            return new BcEdDSAContentVerifierProviderBuilder().build(new Ed25519PublicKeyParameters(ed25519Key, 0));
        } catch (OperatorCreationException e) {
            throw new IllegalStateException("BouncyCastle has an Ed25519 verifier", e);
        }
    }

    /** For messages: {@code certificate of "beta" (sha256:…)} or {@code certificate "CN=…" (sha256:…)}. */
    String describe() {
        if (!ca && NodeName.isValid(commonName)) {
            return "certificate of \"" + commonName + "\" (" + fingerprint + ")";
        }
        return "certificate \"" + holder.getSubject() + "\" (" + fingerprint + ")";
    }
}
