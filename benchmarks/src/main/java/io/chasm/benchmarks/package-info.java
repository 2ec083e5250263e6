/** JMH benchmarks. Run with {@code bench/jmh.sh [regex]}; they print throughput, never assert it. */
package io.chasm.benchmarks;
