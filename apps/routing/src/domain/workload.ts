import type { DomainEvent } from '@shagym/contracts';

export type WorkloadEvent = DomainEvent<'complaint.assigned' | 'complaint.reassigned' | 'complaint.forwarded' | 'complaint.answered' | 'complaint.refused'>;

/**
 * How an event changes open assignments, given who holds the complaint now: an assignment
 * opens one for the executor (and closes whoever held it before); forwarding (R18), the
 * reasoned reply (R9) and a refusal (R17) close it.
 */
export function workloadChanges(event: WorkloadEvent, holders: string[]): Array<{ officialId: string; delta: 1 | -1 }> {
  switch (event.type) {
    case 'complaint.assigned':
    case 'complaint.reassigned': {
      const executor = event.data.executor.officialId;
      return [
        ...holders.filter((h) => h !== executor).map((officialId) => ({ officialId, delta: -1 as const })),
        ...(holders.includes(executor) ? [] : [{ officialId: executor, delta: 1 as const }]),
      ];
    }
    default:
      return holders.map((officialId) => ({ officialId, delta: -1 as const }));
  }
}
