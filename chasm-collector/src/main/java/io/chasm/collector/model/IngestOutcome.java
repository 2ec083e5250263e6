package io.chasm.collector.model;

/**
 * What an accepted submission did.
 *
 * @param batchIdHex the batch id, hex
 * @param duplicate true when this exact batch had been accepted before (nothing changed)
 * @param rowsCounted rows merged into the aggregates (0 for a duplicate)
 * @param rowsDropped rows outside the mirror's enrolled project, counted nowhere
 */
public record IngestOutcome(String batchIdHex, boolean duplicate, int rowsCounted, int rowsDropped) {}
