import type { Channel } from '@shagym/contracts';

/**
 * R7: portal complaints are registered automatically on delivery; paper ones (post, in
 * person) when the registry office registers them, having checked the paper. Both are
 * settings of each organization.
 */
export interface RegistrationPolicy {
  autoRegisterPortal: boolean;
  autoRegisterPaper: boolean;
}

export const DEFAULT_POLICY: RegistrationPolicy = { autoRegisterPortal: true, autoRegisterPaper: false };

export function registersOnDelivery(policy: RegistrationPolicy, channel: Channel): boolean {
  return channel === 'PORTAL' ? policy.autoRegisterPortal : policy.autoRegisterPaper;
}
