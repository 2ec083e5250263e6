/** How {@link io.chasm.wire.get.VerifiedDownload} works: head choice, path walk, chunk scheduling, the output file. */
package io.chasm.wire.get.internal;
