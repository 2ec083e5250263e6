/**
 * Verified single-file downloads from untrusted mirrors: {@link io.chasm.wire.get.VerifiedDownload}
 * (what {@code chasm get} runs) and its result {@link io.chasm.wire.get.Download}.
 */
package io.chasm.wire.get;
