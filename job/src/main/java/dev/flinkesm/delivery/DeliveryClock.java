package dev.flinkesm.delivery;

/** The engine's time: a monotonic clock for windows and backoffs, and wall time for record ages and dead letters. */
public interface DeliveryClock {

    DeliveryClock SYSTEM = new DeliveryClock() {
        @Override
        public long nanoTime() {
            return System.nanoTime();
        }

        @Override
        public long currentTimeMillis() {
            return System.currentTimeMillis();
        }
    };

    long nanoTime();

    long currentTimeMillis();
}
