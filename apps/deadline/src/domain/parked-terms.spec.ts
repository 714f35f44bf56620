import { complaintRegistered } from '@shagym/testing';
import { TermNotComputable } from './deadline';
import { ParkWhenYearMissing, type ParkedTerm, type ParkingPorts } from './parked-terms';

/** In-memory parking (pure logic); the store is exercised by deadline.int-spec. */
function memoryParking() {
  const rows = new Map<string, ParkedTerm & { resolved: boolean }>();
  const ports: ParkingPorts = {
    park: async (p) => void rows.set(p.causeId, { ...p, resolved: false }),
    waitingFor: async (year) => [...rows.values()].filter((r) => r.year === year && !r.resolved),
    resolve: async (id) => void (rows.get(id)!.resolved = true),
  };
  return { ports, rows };
}

const missing = (year: number) => new TermNotComputable(`cannot compute: no data for ${year}`, year);

describe('terms waiting for a year of the calendar (R16)', () => {
  const reg = complaintRegistered('org-1', undefined, new Date('2027-12-27T05:00:00.000Z'));

  it('parks the cause with the missing year named, and sets nothing by guess', async () => {
    const { ports, rows } = memoryParking();
    const parked: ParkedTerm[] = [];
    const parking = new ParkWhenYearMissing(ports, (p) => parked.push(p));
    expect(await parking.run(reg, reg.subject, async () => Promise.reject(missing(2028)))).toBe('PARKED');
    expect(rows.get(reg.id)).toMatchObject({ complaintId: reg.subject, year: 2028, reason: expect.stringContaining('2028'), resolved: false });
    expect(parked.map((p) => p.year)).toEqual([2028]);
  });

  it('sets the term at once when the year arrived between the failure and the park', async () => {
    const { ports, rows } = memoryParking();
    let calls = 0;
    const outcome = await new ParkWhenYearMissing(ports).run(reg, reg.subject, async () => {
      if (++calls === 1) throw missing(2028);
    });
    expect(outcome).toBe('DONE');
    expect(rows.get(reg.id)?.resolved).toBe(true);
  });

  it('replays what waited for the year once it is added; a term that needs yet another year waits for that one', async () => {
    const { ports, rows } = memoryParking();
    const parking = new ParkWhenYearMissing(ports);
    const far = complaintRegistered('org-1', undefined, new Date('2028-12-28T05:00:00.000Z'));
    await parking.run(reg, reg.subject, async () => Promise.reject(missing(2028)));
    await parking.run(far, far.subject, async () => Promise.reject(missing(2028)));
    const known = new Set([2028]);
    const replayed: string[] = [];
    const work = (cause: { id: string; data: unknown }) => async () => {
      const year = cause.id === far.id ? 2029 : 2028;
      if (!known.has(year)) throw missing(year);
      replayed.push(cause.id);
    };
    expect(await parking.replay(2028, work)).toBe(1);
    expect(replayed).toEqual([reg.id]);
    expect(rows.get(reg.id)?.resolved).toBe(true);
    expect(rows.get(far.id)).toMatchObject({ year: 2029, resolved: false });
    expect(await parking.replay(2028, work)).toBe(0); // nothing waits for 2028 any more
    known.add(2029);
    expect(await parking.replay(2029, work)).toBe(1);
    expect(rows.get(far.id)?.resolved).toBe(true);
  });
});
