package dev.flinkesm.payload;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * The byte-level writers {@link KafkaEventEncoder} builds events from: each writes at {@code out[p]} and returns the
 * position after what it wrote; each has a {@code ...Length} twin giving the exact byte count, so that callers can
 * allocate exact-size arrays. Output is what Jackson writes for the same values (see {@link KafkaEventEncoder}).
 *
 * <p>Why they look the way they do (JFR of the job at BatchSize 100, issue 15): header values are random bytes in the
 * bench, so a per-digit branch on the sign and size of each byte mispredicted about half the time
 * ({@code putHeader} was 5 % of the job's samples); they now come from a table, one 4-byte store each. Longs are
 * written two digits at a time from a table, and their length is found from the bit length instead of a loop.
 */
final class JsonBytes {
    private JsonBytes() {}

    private static final VarHandle INT_LE = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final Base64.Encoder BASE64 = Base64.getEncoder();
    private static final byte[] HEX = ascii("0123456789ABCDEF");

    /** "00" to "99": the two digits of {@code i} at {@code 2i}, {@code 2i + 1}. */
    private static final byte[] DIGIT_PAIRS = new byte[200];
    /** 10^0 .. 10^18. */
    private static final long[] POWERS_OF_TEN = new long[19];
    /** The text of each signed byte value (index {@code b & 0xFF}), up to 4 ASCII bytes, packed little-endian. */
    private static final int[] SIGNED_BYTE_TEXT = new int[256];
    private static final byte[] SIGNED_BYTE_LENGTH = new byte[256];

    static {
        for (int i = 0; i < 100; i++) {
            DIGIT_PAIRS[2 * i] = (byte) ('0' + i / 10);
            DIGIT_PAIRS[2 * i + 1] = (byte) ('0' + i % 10);
        }
        long power = 1;
        for (int i = 0; i < POWERS_OF_TEN.length; i++, power *= 10) {
            POWERS_OF_TEN[i] = power;
        }
        for (int i = 0; i < 256; i++) {
            byte[] text = ascii(Integer.toString((byte) i));
            int packed = 0;
            for (int k = text.length - 1; k >= 0; k--) {
                packed = (packed << 8) | text[k];
            }
            SIGNED_BYTE_TEXT[i] = packed;
            SIGNED_BYTE_LENGTH[i] = (byte) text.length;
        }
    }

    static int put(byte[] out, int p, byte[] src) {
        System.arraycopy(src, 0, out, p, src.length);
        return p + src.length;
    }

    // ------------------------------------------------------------------------------------------------ numbers

    /** Decimal digits of {@code v}, including a minus sign. */
    static int digits(long v) {
        if (v < 0) {
            return v == Long.MIN_VALUE ? 20 : 1 + digits(-v);
        }
        if (v < 10) {
            return 1;
        }
        // floor(log10(v)) is floor(log10(2) * bitLength) or one more; 1233 / 4096 approximates log10(2) from below.
        int guess = ((64 - Long.numberOfLeadingZeros(v)) * 1233) >>> 12;
        return guess >= POWERS_OF_TEN.length || v >= POWERS_OF_TEN[guess] ? guess + 1 : guess;
    }

    static int putLong(byte[] out, int p, long v) {
        if (v < 0) {
            if (v == Long.MIN_VALUE) {
                return put(out, p, ascii(Long.toString(v)));
            }
            out[p++] = '-';
            v = -v;
        }
        int end = p + digits(v);
        int q = end;
        while (v >= 100) {
            int pair = (int) (v % 100);
            v /= 100;
            out[--q] = DIGIT_PAIRS[2 * pair + 1];
            out[--q] = DIGIT_PAIRS[2 * pair];
        }
        if (v >= 10) {
            out[--q] = DIGIT_PAIRS[2 * (int) v + 1];
            out[--q] = DIGIT_PAIRS[2 * (int) v];
        } else {
            out[--q] = (byte) ('0' + v);
        }
        return end;
    }

    /** {@code v1,v2,...}: the bytes as signed decimal integers, comma-separated (no brackets). */
    static long signedBytesLength(byte[] v) {
        long n = Math.max(0, v.length - 1);
        for (byte b : v) {
            n += SIGNED_BYTE_LENGTH[b & 0xFF];
        }
        return n;
    }

    /**
     * Writes {@link #signedBytesLength} bytes. Each value is one 4-byte store of its table entry, of which only its
     * length counts: the store may write up to 3 bytes past the value, which the next writes overwrite. Precondition:
     * at least 3 more bytes of {@code out} follow the last value (in a record: the header's {@code ]}} and the
     * record's {@code ]}}), so the store stays inside the array.
     */
    static int putSignedBytes(byte[] out, int p, byte[] v) {
        for (int i = 0; i < v.length; i++) {
            if (i > 0) {
                out[p++] = ',';
            }
            int b = v[i] & 0xFF;
            INT_LE.set(out, p, SIGNED_BYTE_TEXT[b]);
            p += SIGNED_BYTE_LENGTH[b];
        }
        return p;
    }

    // ------------------------------------------------------------------------------------------------- base64

    static int base64Length(int n) {
        return ((n + 2) / 3) * 4;
    }

    /**
     * Per thread, the array {@link #putBase64} encodes into before copying: a record's value would otherwise cost a
     * second allocation (and zeroing) of its encoded size.
     */
    private static final ThreadLocal<byte[]> BASE64_SCRATCH = ThreadLocal.withInitial(() -> new byte[4096]);
    /** Larger values get an array of their own rather than one kept alive by the thread. */
    private static final int MAX_SCRATCH = 64 * 1024;

    /**
     * Standard base64 with padding. {@link Base64.Encoder} only writes at offset 0, but it is a JIT intrinsic (about
     * 17x faster than a table loop on 1 KB here), so encoding into a scratch array and copying is the fast way.
     */
    static int putBase64(byte[] out, int p, byte[] src) {
        if (src.length == 0) {
            return p;
        }
        int length = base64Length(src.length);
        if (length > MAX_SCRATCH) {
            byte[] encoded = BASE64.encode(src);
            System.arraycopy(encoded, 0, out, p, encoded.length);
            return p + encoded.length;
        }
        byte[] scratch = BASE64_SCRATCH.get();
        if (scratch.length < length) {
            scratch = new byte[MAX_SCRATCH];
            BASE64_SCRATCH.set(scratch);
        }
        int written = BASE64.encode(src, scratch);
        System.arraycopy(scratch, 0, out, p, written);
        return p + written;
    }

    // ------------------------------------------------------------------------------------------------ strings

    /** Length of {@code s} as the UTF-8 bytes of a JSON string body (no quotes), escaped as Jackson does. */
    static int escapedLength(String s) {
        int n = 0;
        for (int i = 0, len = s.length(); i < len; i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                if (c == '"' || c == '\\') {
                    n += 2;
                } else if (c < 0x20) {
                    n += (c == '\b' || c == '\f' || c == '\n' || c == '\r' || c == '\t') ? 2 : 6;
                } else {
                    n += 1;
                }
            } else if (c < 0x800) {
                n += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < len && Character.isLowSurrogate(s.charAt(i + 1))) {
                n += 4;
                i++;
            } else if (Character.isSurrogate(c)) {
                n += 1; // unpaired surrogate: '?', as String.getBytes(UTF_8)
            } else {
                n += 3;
            }
        }
        return n;
    }

    static int putEscaped(byte[] out, int p, String s) {
        for (int i = 0, len = s.length(); i < len; i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                if (c >= 0x20 && c != '"' && c != '\\') {
                    out[p++] = (byte) c;
                } else {
                    out[p++] = '\\';
                    switch (c) {
                        case '"' -> out[p++] = '"';
                        case '\\' -> out[p++] = '\\';
                        case '\b' -> out[p++] = 'b';
                        case '\f' -> out[p++] = 'f';
                        case '\n' -> out[p++] = 'n';
                        case '\r' -> out[p++] = 'r';
                        case '\t' -> out[p++] = 't';
                        default -> {
                            out[p++] = 'u';
                            out[p++] = '0';
                            out[p++] = '0';
                            out[p++] = HEX[c >> 4];
                            out[p++] = HEX[c & 0xF];
                        }
                    }
                }
            } else if (c < 0x800) {
                out[p++] = (byte) (0xC0 | (c >> 6));
                out[p++] = (byte) (0x80 | (c & 0x3F));
            } else if (Character.isHighSurrogate(c) && i + 1 < len && Character.isLowSurrogate(s.charAt(i + 1))) {
                int cp = Character.toCodePoint(c, s.charAt(++i));
                out[p++] = (byte) (0xF0 | (cp >> 18));
                out[p++] = (byte) (0x80 | ((cp >> 12) & 0x3F));
                out[p++] = (byte) (0x80 | ((cp >> 6) & 0x3F));
                out[p++] = (byte) (0x80 | (cp & 0x3F));
            } else if (Character.isSurrogate(c)) {
                out[p++] = '?';
            } else {
                out[p++] = (byte) (0xE0 | (c >> 12));
                out[p++] = (byte) (0x80 | ((c >> 6) & 0x3F));
                out[p++] = (byte) (0x80 | (c & 0x3F));
            }
        }
        return p;
    }

    /** {@code s} escaped, with its quotes, as a Java string (for fixed prefixes). */
    static String quoted(String s) {
        byte[] b = new byte[escapedLength(s)];
        putEscaped(b, 0, s);
        return '"' + new String(b, StandardCharsets.UTF_8) + '"';
    }

    static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
