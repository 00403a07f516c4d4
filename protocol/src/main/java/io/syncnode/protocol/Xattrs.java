package io.syncnode.protocol;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Collections;
import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;

/**
 * The extended attributes of an entry: name to value, in name order. Names are kept as strings
 * ({@link NameCodec} form, so any bytes survive); values are bytes, copied verbatim — POSIX ACLs
 * ({@code system.posix_acl_access}, {@code system.posix_acl_default}) and file capabilities
 * ({@code security.capability}) included. Immutable; equal when names and values are.
 */
public final class Xattrs implements Iterable<Map.Entry<String, byte[]>>, Comparable<Xattrs> {
    /** No attributes. */
    public static final Xattrs EMPTY = new Xattrs(new TreeMap<>());
    /** Longest name Linux accepts (XATTR_NAME_MAX). */
    public static final int MAX_NAME = 255;
    /** Largest value Linux accepts (XATTR_SIZE_MAX). */
    public static final int MAX_VALUE = 65536;
    /** Most attributes one entry may carry here (the file systems hold far fewer). */
    public static final int MAX_COUNT = 1024;
    /**
     * Most bytes of names and values together one entry may carry here: 1 MiB (ext4 keeps an
     * inode's attributes in one block, Linux lists at most 64 KiB of names; the bound keeps one
     * record, and so one message, small: PROTOCOL.md 7).
     */
    public static final int MAX_TOTAL = 1 << 20;

    private final TreeMap<String, byte[]> map;

    private Xattrs(TreeMap<String, byte[]> map) {
        this.map = map;
    }

    /**
     * The attributes in {@code values} (copied).
     *
     * @throws IllegalArgumentException for a name or value Linux would not take, too many, or more
     *                                  than {@link #MAX_TOTAL} bytes together
     */
    public static Xattrs of(Map<String, byte[]> values) {
        if (values.isEmpty()) {
            return EMPTY;
        }
        if (values.size() > MAX_COUNT) {
            throw new IllegalArgumentException(values.size() + " extended attributes, more than " + MAX_COUNT);
        }
        TreeMap<String, byte[]> m = new TreeMap<>();
        long total = 0;
        for (Map.Entry<String, byte[]> e : values.entrySet()) {
            String why = problem(e.getKey(), e.getValue());
            if (why != null) {
                throw new IllegalArgumentException(why);
            }
            total += NameCodec.byteLength(e.getKey()) + e.getValue().length;
            m.put(e.getKey(), e.getValue().clone());
        }
        if (total > MAX_TOTAL) {
            throw new IllegalArgumentException("extended attributes of " + total + " bytes (names and values), more than "
                    + MAX_TOTAL);
        }
        return new Xattrs(m);
    }

    /** Null when {@code name} = {@code value} is an attribute Linux accepts, else why not. */
    public static String problem(String name, byte[] value) {
        if (name == null || name.isEmpty()) {
            return "extended attribute with an empty name";
        }
        if (name.indexOf('\0') >= 0) {
            return "extended attribute name holds a NUL byte";
        }
        String codec = NameCodec.problem(name);
        if (codec != null) {
            return "extended attribute name: " + codec;
        }
        int len = NameCodec.byteLength(name);
        if (len > MAX_NAME) {
            return "extended attribute name of " + len + " bytes, more than " + MAX_NAME;
        }
        if (value == null || value.length > MAX_VALUE) {
            return "extended attribute " + name + ": value of " + (value == null ? "no" : value.length)
                    + " bytes, more than " + MAX_VALUE;
        }
        return null;
    }

    public boolean isEmpty() {
        return map.isEmpty();
    }

    public int size() {
        return map.size();
    }

    /** The value of {@code name} (a copy), or null. */
    public byte[] get(String name) {
        byte[] v = map.get(name);
        return v == null ? null : v.clone();
    }

    /** The names, in order. */
    public java.util.Set<String> names() {
        return Collections.unmodifiableSet(map.keySet());
    }

    /** The entries in name order; the values are the record's own: do not change them. */
    @Override
    public Iterator<Map.Entry<String, byte[]>> iterator() {
        return Collections.unmodifiableMap(map).entrySet().iterator();
    }

    /**
     * A compact encoding for storage: per attribute, in name order, u16 name length, name bytes,
     * u32 value length, value bytes (big-endian). Empty for no attributes.
     */
    public byte[] encode() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Map.Entry<String, byte[]> e : map.entrySet()) {
            byte[] name = NameCodec.encode(e.getKey());
            out.writeBytes(ByteBuffer.allocate(2).putShort((short) name.length).array());
            out.writeBytes(name);
            out.writeBytes(ByteBuffer.allocate(4).putInt(e.getValue().length).array());
            out.writeBytes(e.getValue());
        }
        return out.toByteArray();
    }

    /**
     * Reverses {@link #encode}.
     *
     * @throws IllegalArgumentException when {@code bytes} is not such an encoding
     */
    public static Xattrs decode(byte[] bytes) {
        if (bytes == null || bytes.length == 0) {
            return EMPTY;
        }
        ByteBuffer buf = ByteBuffer.wrap(bytes);
        TreeMap<String, byte[]> m = new TreeMap<>();
        try {
            while (buf.hasRemaining()) {
                byte[] name = new byte[buf.getShort() & 0xffff];
                buf.get(name);
                int n = buf.getInt();
                if (n < 0 || n > MAX_VALUE) {
                    throw new IllegalArgumentException("extended attribute value of " + n + " bytes");
                }
                byte[] value = new byte[n];
                buf.get(value);
                m.put(NameCodec.decode(name), value);
            }
        } catch (java.nio.BufferUnderflowException e) {
            throw new IllegalArgumentException("extended attributes: truncated encoding of " + bytes.length + " bytes");
        }
        return of(m);
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof Xattrs x) || x.map.size() != map.size()) {
            return false;
        }
        Iterator<Map.Entry<String, byte[]>> a = map.entrySet().iterator();
        Iterator<Map.Entry<String, byte[]>> b = x.map.entrySet().iterator();
        while (a.hasNext()) {
            Map.Entry<String, byte[]> ea = a.next();
            Map.Entry<String, byte[]> eb = b.next();
            if (!ea.getKey().equals(eb.getKey()) || !Arrays.equals(ea.getValue(), eb.getValue())) {
                return false;
            }
        }
        return true;
    }

    @Override
    public int hashCode() {
        int h = 1;
        for (Map.Entry<String, byte[]> e : map.entrySet()) {
            h = 31 * h + e.getKey().hashCode();
            h = 31 * h + Arrays.hashCode(e.getValue());
        }
        return h;
    }

    /** A total order (names, then values, then count), for tie-breaks that every node agrees on. */
    @Override
    public int compareTo(Xattrs o) {
        Iterator<Map.Entry<String, byte[]>> a = map.entrySet().iterator();
        Iterator<Map.Entry<String, byte[]>> b = o.map.entrySet().iterator();
        while (a.hasNext() && b.hasNext()) {
            Map.Entry<String, byte[]> ea = a.next();
            Map.Entry<String, byte[]> eb = b.next();
            int c = ea.getKey().compareTo(eb.getKey());
            if (c == 0) {
                c = Arrays.compareUnsigned(ea.getValue(), eb.getValue());
            }
            if (c != 0) {
                return c;
            }
        }
        return Boolean.compare(a.hasNext(), b.hasNext());
    }

    @Override
    public String toString() {
        return map.keySet().toString();
    }
}
