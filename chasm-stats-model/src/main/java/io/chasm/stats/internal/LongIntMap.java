package io.chasm.stats.internal;

/** The aggregators' name for {@link io.chasm.stats.internal.collect.LongIntMap}. */
public final class LongIntMap extends io.chasm.stats.internal.collect.LongIntMap {}
