/** The embedded default: broker, function host and demo runner. */
package dev.flinkesm.local;
