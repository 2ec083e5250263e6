package io.chasm.wire;

import java.util.List;

/**
 * A server's answer to GetHead (SPEC §9.6, §9.19, §9.20): its newest signed envelope as signed,
 * the endpoints it names as also holding it, and the equivocation proofs it holds (SPEC §14).
 * Everything is unverified: check the envelope and each proof against your trust policy.
 */
public record HeadInfo(byte[] envelope, List<String> holders, List<byte[]> proofs) {
  public HeadInfo {
    holders = List.copyOf(holders);
    proofs = List.copyOf(proofs);
  }
}
