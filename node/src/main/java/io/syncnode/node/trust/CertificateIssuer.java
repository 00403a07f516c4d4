package io.syncnode.node.trust;

import java.io.IOException;
import java.math.BigInteger;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.edec.EdECObjectIdentifiers;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.AuthorityKeyIdentifier;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.bc.BcX509ExtensionUtils;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.bouncycastle.crypto.util.SubjectPublicKeyInfoFactory;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.bc.BcEdECContentSignerBuilder;

/**
 * Builds the two kinds of certificate the cluster uses, with BouncyCastle's lightweight X.509
 * builder. No files: {@link KeyGen} decides what to build and writes it.
 *
 * <ul>
 *   <li>CA: self-signed, BasicConstraints CA:true pathlen 0 (critical), KeyUsage keyCertSign and
 *       cRLSign (critical), SubjectKeyIdentifier.
 *   <li>Node: subject {@code CN=<name>}, BasicConstraints CA:false (critical), KeyUsage
 *       digitalSignature (critical), AuthorityKeyIdentifier = the CA's SubjectKeyIdentifier.
 * </ul>
 * Serial numbers are random positive 128-bit numbers (the top bit set so that all have the same
 * length; 127 random bits); times are whole seconds, as X.509 encodes them.
 */
final class CertificateIssuer {
    private static final AlgorithmIdentifier ED25519 = new AlgorithmIdentifier(EdECObjectIdentifiers.id_Ed25519);

    private CertificateIssuer() {
    }

    /** A new Ed25519 private key (32 random bytes). */
    static byte[] newPrivateKey(SecureRandom random) {
        return new Ed25519PrivateKeyParameters(random).getEncoded();
    }

    /** {@code CN=<commonName>}. */
    static X500Name commonName(String commonName) {
        return new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, commonName).build();
    }

    /** A self-signed CA certificate for {@code caKey}. */
    static byte[] caCertificate(X500Name subject, byte[] caKey, Instant notBefore, Instant notAfter,
                                SecureRandom random) {
        SubjectPublicKeyInfo publicKey = publicKeyInfo(Ed25519.publicKeyOf(caKey));
        try {
            X509v3CertificateBuilder builder = new X509v3CertificateBuilder(subject, serial(random),
                    date(notBefore), date(notAfter), subject, publicKey)
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(0))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
                    .addExtension(Extension.subjectKeyIdentifier, false,
                            new BcX509ExtensionUtils().createSubjectKeyIdentifier(publicKey));
            return sign(builder, caKey);
        } catch (IOException e) {
            throw new IllegalStateException("encoding a certificate in memory does not fail", e);
        }
    }

    /**
     * A node certificate for {@code nodePublicKey}, issued in the name of {@code issuer} (its
     * subject and key id) and signed with {@code signingKey}. Tests pass a signing key that is
     * not the issuer's to build forgeries.
     */
    static byte[] nodeCertificate(String name, byte[] nodePublicKey, X500Name issuer, byte[] issuerKeyId,
                                  byte[] signingKey, Instant notBefore, Instant notAfter, SecureRandom random) {
        try {
            X509v3CertificateBuilder builder = new X509v3CertificateBuilder(issuer, serial(random),
                    date(notBefore), date(notAfter), commonName(name), publicKeyInfo(nodePublicKey))
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
            if (issuerKeyId != null) {
                builder.addExtension(Extension.authorityKeyIdentifier, false, new AuthorityKeyIdentifier(issuerKeyId));
            }
            return sign(builder, signingKey);
        } catch (IOException e) {
            throw new IllegalStateException("encoding a certificate in memory does not fail", e);
        }
    }

    /** X.509 times are whole seconds: the instant {@code at} rounded down to one. */
    static Instant wholeSeconds(Instant at) {
        return at.truncatedTo(ChronoUnit.SECONDS);
    }

    private static Date date(Instant at) {
        return Date.from(wholeSeconds(at));
    }

    private static BigInteger serial(SecureRandom random) {
        return new BigInteger(128, random).setBit(127);
    }

    private static SubjectPublicKeyInfo publicKeyInfo(byte[] publicKey32) {
        try {
            return SubjectPublicKeyInfoFactory.createSubjectPublicKeyInfo(new Ed25519PublicKeyParameters(publicKey32, 0));
        } catch (IOException e) {
            throw new IllegalStateException("encoding a public key in memory does not fail", e);
        }
    }

    private static byte[] sign(X509v3CertificateBuilder builder, byte[] signingKey) throws IOException {
        ContentSigner signer;
        try {
            signer = new BcEdECContentSignerBuilder(ED25519).build(new Ed25519PrivateKeyParameters(signingKey, 0));
        } catch (OperatorCreationException e) {
            throw new IllegalStateException("BouncyCastle has an Ed25519 signer", e);
        }
        return builder.build(signer).toASN1Structure().getEncoded(ASN1Encoding.DER);
    }
}
