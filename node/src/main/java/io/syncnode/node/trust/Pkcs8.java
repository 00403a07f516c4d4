package io.syncnode.node.trust;

import java.io.IOException;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.edec.EdECObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;

/**
 * Ed25519 private keys in PKCS#8 as RFC 8410 section 7 lays them out: a {@code PrivateKeyInfo}
 * (version 0, algorithm id-Ed25519 without parameters) whose privateKey holds a
 * {@code CurvePrivateKey}, an OCTET STRING of the 32-byte seed. This is what
 * {@code openssl genpkey -algorithm ed25519} writes.
 */
final class Pkcs8 {
    private Pkcs8() {
    }

    static byte[] encode(byte[] privateKey32) {
        try {
            return new PrivateKeyInfo(new AlgorithmIdentifier(EdECObjectIdentifiers.id_Ed25519),
                    new DEROctetString(privateKey32)).getEncoded(ASN1Encoding.DER);
        } catch (IOException e) {
            throw new IllegalStateException("DER encoding in memory does not fail", e);
        }
    }

    /**
     * The raw 32-byte key in a PKCS#8 DER encoding.
     *
     * @throws IllegalArgumentException saying why {@code der} is not an Ed25519 PKCS#8 key
     */
    static byte[] decode(byte[] der) {
        PrivateKeyInfo info;
        try {
            info = PrivateKeyInfo.getInstance(ASN1Primitive.fromByteArray(der));
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("not a PKCS#8 private key (" + e.getMessage() + ")", e);
        }
        if (!EdECObjectIdentifiers.id_Ed25519.equals(info.getPrivateKeyAlgorithm().getAlgorithm())) {
            throw new IllegalArgumentException("not an Ed25519 key (algorithm "
                    + info.getPrivateKeyAlgorithm().getAlgorithm() + ")");
        }
        byte[] key;
        try {
            key = ASN1OctetString.getInstance(info.parsePrivateKey()).getOctets();
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("the Ed25519 key does not decode (" + e.getMessage() + ")", e);
        }
        if (key.length != Ed25519.KEY_SIZE) {
            throw new IllegalArgumentException("the Ed25519 key has " + key.length + " bytes, not 32");
        }
        return key;
    }
}
