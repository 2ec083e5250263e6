/** Retry policy shared by every module that reconnects or resends: {@link io.chasm.api.retry.Backoff}. */
package io.chasm.api.retry;
