package dev.flinkesm.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Map;
import org.junit.jupiter.api.Test;

class JvmProbeTest {

    @Test
    void readsLiveHeapMetaspaceAndTheHeapRangeFromJcmdsHeapInfo() {
        String out = "11783:\nCommand executed successfully\n"
                + " garbage-first heap   total 57344K, used 5956K [0x0000000687400000, 0x0000000800000000)\n"
                + "  region size 4096K, 0 young (0K), 0 survivors (0K)\n"
                + " Metaspace       used 8893K, committed 9088K, reserved 1114112K\n"
                + "  class space    used 1062K, committed 1152K, reserved 1048576K\n";
        JvmProbe.HeapInfo heap = JvmProbe.HeapInfo.parse(out);
        assertThat(heap.heapUsedMb()).isCloseTo(5956 / 1024.0, within(1e-9));
        assertThat(heap.heapCommittedMb()).isCloseTo(56, within(1e-9));
        assertThat(heap.metaspaceUsedMb()).isCloseTo(8893 / 1024.0, within(1e-9));
        assertThat(heap.metaspaceCommittedMb()).isCloseTo(9088 / 1024.0, within(1e-9));
        assertThat(heap.heapStart()).isEqualTo(0x687400000L);
        assertThat(heap.heapEnd()).isEqualTo(0x800000000L);
    }

    @Test
    void refusesOutputWithoutAHeapLine() {
        assertThatThrownBy(() -> JvmProbe.HeapInfo.parse("12: Unable to open socket file"))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("Unable to open socket file");
    }

    @Test
    void readsCommittedNativeMemoryByCategory() {
        String out = "Native Memory Tracking:\n\n"
                + "Total: reserved=2946178KB, committed=1012312KB\n"
                + "-                 Java Heap (reserved=655360KB, committed=655360KB)\n"
                + "                            (mmap: reserved=655360KB, committed=655360KB)\n\n"
                + "-                     Class (reserved=1050000KB, committed=10158KB)\n"
                + "-                    Thread (reserved=7500KB, committed=7502KB)\n";
        Map<String, Double> mb = JvmProbe.parseNativeMemory(out);
        assertThat(mb).containsOnlyKeys("Total", "Java Heap", "Class", "Thread");
        assertThat(mb.get("Total")).isCloseTo(1012312 / 1024.0, within(1e-9));
        assertThat(mb.get("Java Heap")).isCloseTo(640, within(1e-9));
    }

    @Test
    void readsNothingWhenNativeMemoryTrackingIsOff() {
        assertThat(JvmProbe.parseNativeMemory("Native memory tracking is not enabled")).isEmpty();
    }
}
