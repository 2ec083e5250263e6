/**
 * Reading log files into statistics, incrementally and crash-safely: {@link
 * io.chasm.stats.scan.LogScanner} and where its step seeds come from ({@link
 * io.chasm.stats.scan.StepSeeds}). The model it fills lives in {@code io.chasm.stats}, the
 * readers and their registry by name in {@code io.chasm.stats.format}.
 */
package io.chasm.stats.scan;
