package dev.flinkesm.payload;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.StringJoiner;
import org.junit.jupiter.api.Test;

/** The number and header-byte writers against the JDK's own formatting, at every boundary they have. */
class JsonBytesTest {

    private static List<Long> interestingLongs() {
        List<Long> values = new ArrayList<>(List.of(0L, Long.MAX_VALUE, Long.MIN_VALUE, Long.MIN_VALUE + 1));
        long power = 1;
        for (int i = 0; i < 19; i++, power *= 10) {
            for (long v : new long[] {power - 1, power, power + 1}) {
                values.add(v);
                values.add(-v);
            }
        }
        for (int bit = 0; bit < 63; bit++) { // each bit length, where the digit-count guess changes
            values.add(1L << bit);
            values.add((1L << bit) - 1);
        }
        Random random = new Random(5);
        for (int i = 0; i < 10_000; i++) {
            values.add(random.nextLong() >> random.nextInt(64));
        }
        return values;
    }

    @Test
    void longsAreWrittenAsLongToStringAndDigitsCountsThem() {
        for (long v : interestingLongs()) {
            String expected = Long.toString(v);
            assertThat(JsonBytes.digits(v)).as("digits(%d)", v).isEqualTo(expected.length());
            byte[] out = new byte[2 + expected.length() + 2];
            int end = JsonBytes.putLong(out, 2, v);
            assertThat(end).as("end for %d", v).isEqualTo(2 + expected.length());
            assertThat(new String(out, 2, expected.length(), StandardCharsets.US_ASCII)).isEqualTo(expected);
            assertThat(out[end]).isZero(); // nothing written past the number
        }
    }

    @Test
    void everySignedByteValueIsItsDecimalAndNothingPastTheSlackIsTouched() {
        byte[] all = new byte[256];
        for (int i = 0; i < 256; i++) {
            all[i] = (byte) i;
        }
        Random random = new Random(9);
        for (byte[] v : List.of(all, new byte[0], new byte[] {-128}, new byte[] {7}, randomBytes(random, 1_000))) {
            StringJoiner expected = new StringJoiner(",");
            for (byte b : v) {
                expected.add(Byte.toString(b));
            }
            int length = expected.toString().length();
            assertThat(JsonBytes.signedBytesLength(v)).isEqualTo(length);
            // The documented precondition: 3 bytes of slack after the values; a guard byte after that.
            byte[] out = new byte[1 + length + 3 + 1];
            Arrays.fill(out, (byte) '#');
            int end = JsonBytes.putSignedBytes(out, 1, v);
            assertThat(end).isEqualTo(1 + length);
            assertThat(new String(out, 1, length, StandardCharsets.US_ASCII)).isEqualTo(expected.toString());
            assertThat(out[0]).isEqualTo((byte) '#');
            assertThat(out[out.length - 1]).isEqualTo((byte) '#');
        }
    }

    private static byte[] randomBytes(Random random, int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }
}
